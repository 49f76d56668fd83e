"""`python -m bench.relevance`: NDCG@10 of the graded suite on both backends.

A fresh PostgreSQL database (`mk_relevance`, built by the migrations, dropped at the end),
the suite written through the Elasticsearch app (the outbox indexes it), then each mission
ranked by the embedded backend and by Elasticsearch.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from bench.relevance import evaluate, leaders_disagree, populate, report
from bench.search.run import DEFAULT_DB, drop_database, environment, fresh_database

NAME = "mk_relevance"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument(
        "--es-url", default=os.environ.get("ELASTICSEARCH_URL", "http://127.0.0.1:9200")
    )
    parser.add_argument("--json", help="write the per-mission figures to this file")
    args = parser.parse_args()

    url = fresh_database(args.database_url, NAME)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-secret-key-0123456789",
        "SEARCH_INDEX_PREFIX": "relevance",
        "SEARCH_DRAIN": "sync",
        "ELASTICSEARCH_URL": args.es_url,
    }
    try:
        with environment(env):
            from marketplace import create_app
            from marketplace.extensions import db
            from marketplace.search import backend
            from marketplace.search.embedded import EmbeddedBackend

            app = create_app()
            with app.app_context():
                backend().drop()  # type: ignore[attr-defined]
            cases = populate(app)
            with app.app_context():
                from marketplace.search import services

                services.drain()
                elastic = backend()
            results = evaluate(
                app, {"embedded": EmbeddedBackend(), "elasticsearch": elastic}, cases
            )
            print(report(results, cases))
            if args.json:
                with open(args.json, "w", encoding="utf-8") as out:
                    json.dump(
                        {r.backend: {m.key: m.ndcg for m in r.missions} for r in results},
                        out,
                        indent=1,
                    )
            with app.app_context():
                backend().drop()  # type: ignore[attr-defined]
                app.extensions["search_drainer"].stop()
                db.engine.dispose()
    finally:
        drop_database(args.database_url, NAME)
    sys.exit(1 if leaders_disagree(results) else 0)


if __name__ == "__main__":
    main()
