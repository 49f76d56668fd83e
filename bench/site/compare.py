"""Two versions of the site measured turn about, so the machine's drift falls on both.

One run of `bench.site.run` after another on this 2-core VM moved untouched pages by 30 to
60 % (the same page, the same data, minutes apart): a before/after pair of runs measures the
machine as much as the change. This serves both versions at once (each its own gunicorn, as
`run.py` sets it up, idle while the other is measured) and alternates: every round sends
each page's requests to one version then the other, and the mixes alternate the same way.

    git worktree add /tmp/base <older commit>; ln -s "$PWD/.venv" /tmp/base/.venv
    createdb -T mk_site_100000 mk_site_base   # then `flask db downgrade` it to that commit
    .venv/bin/python -m bench.site.compare --base /tmp/base --base-database mk_site_base

The base checkout is imported from its own directory (gunicorn's working directory comes
first on its path); both use this checkout's virtualenv.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.search.run import DEFAULT_DB, percentile
from bench.site import run

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=Path, required=True, help="checkout of the older version")
    parser.add_argument("--base-database", required=True, help="its database (its migrations)")
    parser.add_argument("--database", default="mk_site_100000", help="this checkout's database")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument(
        "--es-url", default=os.environ.get("ELASTICSEARCH_URL", "http://127.0.0.1:9200")
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20, help="per page and round")
    parser.add_argument("--mixes", type=int, default=2, help="16-client mixes per version")
    parser.add_argument("--mix-seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--port", type=int, default=18200)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    def url(name: str) -> str:
        return (
            sa.make_url(args.database_url).set(database=name).render_as_string(hide_password=False)
        )

    who = run.cast(url(args.database), random.Random(1))
    table = run.pages(who)
    versions = {"base": (args.base, url(args.base_database)), "this": (ROOT, url(args.database))}
    sample: dict[str, dict[str, list[float]]] = {v: {p: [] for p in table} for v in versions}
    mixes: dict[str, list[dict[str, Any]]] = {v: [] for v in versions}

    def serve(version: str, port: int) -> Any:
        checkout, database = versions[version]
        env = run.site_env(database, args.es_url)
        return run.gunicorn(port, env, "wsgi:app", 4, 2, "/", checkout)

    with serve("base", args.port) as base_port, serve("this", args.port + 1) as this_port:
        ports = {"base": base_port, "this": this_port}
        browsers = {}
        for version, port in ports.items():
            each = browsers[version] = run.signed_in(port, who)
            run.sequential(each, table, 5, 5)  # warm every page once
        rng = random.Random(7)
        for round_ in range(args.rounds):
            order = list(versions) if round_ % 2 == 0 else list(reversed(versions))
            for name, (role, page) in table.items():
                for version in order:
                    for _ in range(args.requests):
                        path, api = page(rng)
                        status, _s, seconds, _b = browsers[version][role].get(path, api)
                        assert status == 200, (version, name, status)
                        sample[version][name].append(seconds * 1000)
            print(f"round {round_ + 1} of {args.rounds} done", file=sys.stderr, flush=True)
        for i in range(args.mixes * 2):
            version = list(versions)[i % 2]
            crowd = run.crowd_of(ports[version], who, args.clients)
            run.crowd(crowd, table, 5)
            mix = run.crowd(crowd, table, args.mix_seconds)
            mix.pop("pages", None)
            mixes[version].append(mix)
            print(f"mix {version}: {json.dumps(mix, default=str)}", file=sys.stderr, flush=True)
            time.sleep(2)
    pages: dict[str, dict[str, dict[str, float]]] = {
        name: {
            v: {
                "p50": statistics.median(sample[v][name]),
                "p95": percentile(sample[v][name], 95),
            }
            for v in versions
        }
        for name in table
    }
    result = {"pages": pages, "mix": mixes}
    print("| page | base p50 / p95 (ms) | this p50 / p95 (ms) | p50 ratio |\n|---|---|---|---|")
    for name, by in pages.items():
        before, now = by["base"], by["this"]
        ratio = now["p50"] / before["p50"]
        print(
            f"| {name} | {before['p50']:.1f} / {before['p95']:.1f} "
            f"| {now['p50']:.1f} / {now['p95']:.1f} | {ratio:.2f} |"
        )
    print("\n| mix (16 clients) | req/s | p50 / p95 / p99 (ms) |\n|---|---|---|")
    for version, runs in mixes.items():
        for m in runs:
            print(
                f"| {version} | {m['rps']:.1f} | {m['p50']:.0f} / {m['p95']:.0f} / {m['p99']:.0f} |"
            )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
