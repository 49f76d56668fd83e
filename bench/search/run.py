"""Search benchmark: indexing throughput, API latency through gunicorn, raw Elasticsearch latency.

    .venv/bin/python -m bench.search.run                       # 10 000 and 100 000 profiles
    .venv/bin/python -m bench.search.run --sizes 10000 --requests 200
    .venv/bin/python -m bench.search.run --embedded-sizes 1000,5000,10000 --sizes ''

For each size: a fresh PostgreSQL database built by the migrations, realistic profiles
bulk-loaded (generate.py), `search reindex` timed (profiles/s), gunicorn started on
loopback against that database and Elasticsearch, then `GET /missions/{id}/matches` and
`GET /search/secretaries` timed over HTTP, each asked three ways in a rotating order: the
API, the identical query sent straight to Elasticsearch (the body the backend builds), and
the same body through the floor app (floor.py: gunicorn and Flask doing nothing but
forwarding it), all in the same run under the same load. The embedded backend is timed the
same way (no ELASTICSEARCH_URL) at the embedded sizes. Prints a Markdown table.

Needs PostgreSQL (scripts/services/postgres.sh) and Elasticsearch
(scripts/services/elasticsearch.sh); `--database-url` / `--es-url` or BENCH_DATABASE_URL /
ELASTICSEARCH_URL say where.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa

from bench.search.generate import generate

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = "postgresql+psycopg://marketplace:marketplace@127.0.0.1:55432/marketplace"
PASSWORD = "motdepasse-de-bench"  # noqa: S105  (benchmark accounts on loopback)
PREFIX = "bench"
SEARCH_POSTAL_CODES = [
    "75011",
    "69003",
    "13008",
    "31000",
    "33000",
    "44000",
    "59000",
    "67000",
    "35000",
    "06000",
    "34000",
    "38000",
    "21000",
    "63000",
    "76000",
    "87000",
]
SKILLS = [
    "phone_reception",
    "mail_merge",
    "medical_transcription",
    "legal_drafting",
    "billing",
    "spreadsheets",
    "appointment_booking",
]
QUERIES = [
    "secrétaire médicale",
    "assistante juridique",
    "accueil téléphonique",
    "publipostage",
    "comptes rendus",
    "relances clients",
    "télésecrétariat",
    "tableaux excel",
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class Timings:
    samples: list[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        self.samples.append(seconds * 1000)

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)


# ----------------------------------------------------------------------------- databases
def admin_dsn(url: str) -> str:
    return (
        sa.make_url(url)
        .set(drivername="postgresql", database="postgres")
        .render_as_string(hide_password=False)
    )


def fresh_database(base_url: str, name: str) -> str:
    with psycopg.connect(admin_dsn(base_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = sa.make_url(base_url).set(database=name).render_as_string(hide_password=False)
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret-key-0123456789"}
    env.pop("ELASTICSEARCH_URL", None)
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return url


def drop_database(base_url: str, name: str) -> None:
    with psycopg.connect(admin_dsn(base_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def psycopg_dsn(url: str) -> str:
    return sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def password_hash() -> str:
    from argon2 import PasswordHasher

    return PasswordHasher().hash(PASSWORD)


# ----------------------------------------------------------------------------- the app
def app_env(db_url: str, es_url: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "SECRET_KEY": "bench-secret-key-0123456789",
        "SEARCH_INDEX_PREFIX": PREFIX,
        "SEARCH_DRAIN": "thread",
    }
    env.pop("ELASTICSEARCH_URL", None)
    if es_url:
        env["ELASTICSEARCH_URL"] = es_url
    return env


@contextmanager
def environment(env: dict[str, str]) -> Any:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def reindex(db_url: str, es_url: str | None) -> list[Any]:
    with environment(app_env(db_url, es_url)):
        from marketplace import create_app
        from marketplace.search import services

        app = create_app()
        with app.app_context():
            reports = services.reindex()
            from marketplace.extensions import db

            db.engine.dispose()
        return reports


# gthread workers keep connections alive, as a proxy in front of gunicorn would.
GUNICORN_EXTRA: list[str] = ["--worker-class", "gthread", "--threads", "2"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(
    command: list[str], env: dict[str, str], port: int, ready: str, name: str, wait_s: float
) -> Iterator[int]:
    """Run a server (its own process group) until the block ends; waits, at most `wait_s`,
    until GET `ready` on `port` answers below 500. bench/site serves with it too."""
    process = subprocess.Popen(  # noqa: S603  (our own gunicorn, fixed arguments)
        command, cwd=ROOT, env=env, start_new_session=True
    )
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", ready)
                if conn.getresponse().status < 500:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"{name} did not start")
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@contextmanager
def gunicorn(
    db_url: str, es_url: str | None, workers: int, app: str = "wsgi:app", ready: str = ""
) -> Any:
    """gunicorn serving `app` on a free loopback port; waits until GET `ready` answers."""
    port = free_port()
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "--workers",
        str(workers),
        *GUNICORN_EXTRA,
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        app,
    ]
    env = app_env(db_url, es_url)
    with served(command, env, port, ready or "/api/v1/taxonomy", "gunicorn", 60) as served_port:
        yield served_port


class Client:
    """A keep-alive HTTP client (one connection, like a browser or an API client)."""

    def __init__(self, host: str, port: int) -> None:
        self.conn = http.client.HTTPConnection(host, port, timeout=30)

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any, float]:
        payload = json.dumps(body).encode() if body is not None else None
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        started = time.perf_counter()
        self.conn.request(method, path, body=payload, headers=hdrs)
        response = self.conn.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - started
        return response.status, json.loads(data) if data else None, elapsed


# ----------------------------------------------------------------------------- workloads
def search_args(rng: random.Random) -> dict[str, Any]:
    args: dict[str, Any] = {}
    if rng.random() < 0.7:
        args["specialty"] = rng.choice(["medical", "legal", "insurance", "industry", "general"])
    if rng.random() < 0.6:
        args["postal_code"] = rng.choice(SEARCH_POSTAL_CODES)
        if rng.random() < 0.5:
            args["radius_km"] = rng.choice([20, 50, 100])
        if rng.random() < 0.2:
            args["remote"] = False
    if rng.random() < 0.3:
        args["max_rate_cents"] = rng.choice([2500, 3000, 3500])
    if rng.random() < 0.3:
        args["q"] = rng.choice(QUERIES)
    if rng.random() < 0.2:
        args["skills"] = [rng.choice(SKILLS)]
    if rng.random() < 0.15:
        args["available_on"] = (date.today() + timedelta(days=rng.randint(1, 30))).isoformat()
    return args


def es_bodies(
    db_url: str, es_url: str, missions: list[str], searches: list[dict[str, Any]]
) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    """The exact Elasticsearch bodies the API sends for these requests."""
    with environment(app_env(db_url, es_url)):
        from marketplace import create_app
        from marketplace.extensions import db
        from marketplace.missions.models import Mission
        from marketplace.search import backend, ranking, services
        from marketplace.search.schemas import SecretarySearchQuery

        app = create_app()
        with app.test_request_context():
            search = backend()
            alias = search.alias("secretary")  # type: ignore[attr-defined]
            match_bodies = []
            for mid in missions:
                mission = db.session.get(Mission, __import__("uuid").UUID(mid))
                criteria = ranking.criteria_for_mission(mission)
                match_bodies.append(search.secretary_request(criteria, 0, 20))  # type: ignore[attr-defined]
            search_bodies = []
            for args in searches:
                loaded = SecretarySearchQuery().load({k: v for k, v in args.items()})
                criteria = services.secretary_criteria(loaded)
                search_bodies.append(search.secretary_request(criteria, 0, 20))  # type: ignore[attr-defined]
            db.engine.dispose()
    return alias, match_bodies, search_bodies


def query_string(args: dict[str, Any]) -> str:
    pairs: list[tuple[str, Any]] = []
    for key, value in args.items():
        if isinstance(value, list):
            pairs.extend((key, v) for v in value)
        elif isinstance(value, bool):
            pairs.append((key, "true" if value else "false"))
        else:
            pairs.append((key, value))
    return urllib.parse.urlencode(pairs)


def measure(
    port: int,
    token: str,
    missions: list[str],
    searches: list[dict[str, Any]],
    warmup: int,
    es: tuple[str, str, list[dict[str, Any]], list[dict[str, Any]]] | None,
    order: str = "rotate",
    floor_port: int | None = None,
) -> dict[str, Timings]:
    """Each round: a mission's matches, then a search, each asked of every variant in turn:
    the API, the identical query straight to Elasticsearch (`es_*`), and the same query
    through the floor app (`floor_*`, floor.py) when it runs."""
    api = Client("127.0.0.1", port)
    keys = ("matches", "search", "es_matches", "es_search", "floor_matches", "floor_search")
    results = {k: Timings() for k in keys}
    auth = {"Authorization": f"Bearer {token}"}
    Step = Callable[[int, bool], None]

    def timed(key: str, call: Callable[[int], tuple[int, Any, float]]) -> Step:
        def step(i: int, record: bool) -> None:
            status, body, took = call(i)
            assert status == 200, (key, i, body)
            if record:
                results[key].add(took)

        return step

    matches: list[Step] = [
        timed(
            "matches",
            lambda i: api.call(
                "GET", f"/api/v1/missions/{missions[i]}/matches?limit=20", headers=auth
            ),
        )
    ]
    search: list[Step] = [
        timed(
            "search",
            lambda i: api.call(
                "GET", "/api/v1/search/secretaries?per_page=20&" + query_string(searches[i])
            ),
        )
    ]
    if es is not None:
        es_url, alias, match_bodies, search_bodies = es
        parts = urllib.parse.urlsplit(es_url)
        raw = Client(parts.hostname or "127.0.0.1", parts.port or 9200)
        targets = [("es", raw)]
        if floor_port is not None:
            targets.append(("floor", Client("127.0.0.1", floor_port)))
        for prefix, client in targets:
            matches.append(
                timed(
                    f"{prefix}_matches",
                    lambda i, c=client: c.call("POST", f"/{alias}/_search", match_bodies[i]),
                )
            )
            search.append(
                timed(
                    f"{prefix}_search",
                    lambda i, c=client: c.call("POST", f"/{alias}/_search", search_bodies[i]),
                )
            )

    def run(i: int, record: bool) -> None:
        # rotate: round i starts with variant i mod n, so that each variant comes first,
        # second... equally often: Elasticsearch answers a query it has just run faster, and
        # no variant may always follow its identical twin. api-first: always the API first.
        shift = i % len(matches) if order == "rotate" else 0
        for steps in (matches, search):
            for step in steps[shift:] + steps[:shift]:
                step(i, record)

    for i in range(min(warmup, len(missions))):
        run(i, record=False)
    for i in range(len(missions)):
        run(i, record=True)
    return results


def token_for(port: int, email: str) -> str:
    status, body, _t = Client("127.0.0.1", port).call(
        "POST", "/api/v1/auth/token", {"email": email, "password": PASSWORD}
    )
    assert status == 200, body
    return str(body["token"])


def owned_missions(db_url: str, email: str, count: int, rng: random.Random) -> list[str]:
    with psycopg.connect(psycopg_dsn(db_url)) as conn:
        rows = conn.execute(
            "SELECT m.id FROM missions m JOIN users u ON u.id = m.business_id "
            "WHERE u.email = %s AND m.status = 'open'",
            (email,),
        ).fetchall()
    ids = [str(r[0]) for r in rows]
    return [rng.choice(ids) for _ in range(count)]


def busiest_owner(db_url: str) -> str:
    with psycopg.connect(psycopg_dsn(db_url)) as conn:
        row = conn.execute(
            "SELECT u.email FROM missions m JOIN users u ON u.id = m.business_id "
            "WHERE m.status = 'open' GROUP BY u.email ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
    assert row is not None
    return str(row[0])


# ----------------------------------------------------------------------------- main
def bench_size(
    base_url: str,
    es_url: str | None,
    size: int,
    requests: int,
    workers: int,
    warmup: int,
    hashed: str,
    log: Callable[[str], None],
    order: str = "rotate",
    floor: bool = True,
) -> dict[str, Any]:
    name = f"mk_bench_{size}_{'es' if es_url else 'embedded'}"
    started = time.perf_counter()
    db_url = fresh_database(base_url, name)
    counts, _emails, _missions = generate(psycopg_dsn(db_url), size, password_hash=hashed)
    log(f"{size}: generated {counts} in {time.perf_counter() - started:.1f} s")
    row: dict[str, Any] = {"size": size, "backend": "elasticsearch" if es_url else "embedded"}
    try:
        if es_url:
            reports = reindex(db_url, es_url)
            secretaries = next(r for r in reports if "secretaries" in r.index)
            row["index_docs"] = secretaries.documents
            row["index_seconds"] = secretaries.seconds
            row["index_rate"] = secretaries.per_second
            log(f"{size}: reindex {[(r.index, r.documents, round(r.seconds, 1)) for r in reports]}")
            row["merge_seconds"] = wait_merged(es_url, f"{PREFIX}-secretaries")
            log(f"{size}: merged into one segment {row['merge_seconds']:.1f} s after the swap")
        else:  # the embedded backend's index: the profiles' sentence embeddings
            reports = reindex(db_url, None)
            for r in reports:
                row["index_docs"], row["index_seconds"] = r.documents, r.seconds
                row["index_rate"] = r.per_second
            done = [(r.index, r.documents, round(r.seconds, 1)) for r in reports]
            log(f"{size}: embeddings {done}")
        rng = random.Random(size)
        owner = busiest_owner(db_url)
        missions = owned_missions(db_url, owner, requests, rng)
        searches = [search_args(rng) for _ in range(requests)]
        es = None
        if es_url:
            alias, match_bodies, search_bodies = es_bodies(db_url, es_url, missions, searches)
            es = (es_url, alias, match_bodies, search_bodies)
        with ExitStack() as servers:
            port = servers.enter_context(gunicorn(db_url, es_url, workers))
            floor_port = None
            if es_url and floor:
                floor_port = servers.enter_context(
                    gunicorn(db_url, es_url, workers, "bench.search.floor:app", "/")
                )
            token = token_for(port, owner)
            timings = measure(port, token, missions, searches, warmup, es, order, floor_port)
        for key, t in timings.items():
            if t.samples:
                row[f"{key}_p50"] = t.p50
                row[f"{key}_p95"] = t.p95
        shown = {k: round(v, 2) if isinstance(v, float) else v for k, v in row.items()}
        log(f"{size}: {json.dumps(shown)}")
    finally:
        drop_database(base_url, name)
        if es_url:
            drop_indices(es_url)
    return row


def wait_merged(es_url: str, alias: str, timeout: float = 900.0) -> float:
    """Seconds until the rebuilt index is one segment (the reindex merges it in the
    background: `ElasticBackend._merge_later`); the latencies are measured after that."""
    parts = urllib.parse.urlsplit(es_url)
    client = Client(parts.hostname or "127.0.0.1", parts.port or 9200)
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        _status, body, _t = client.call("GET", f"/{alias}/_segments")
        shards = [
            shard
            for index in body["indices"].values()
            for copies in index["shards"].values()
            for shard in copies
        ]
        if all(int(s["num_search_segments"]) <= 1 for s in shards):
            return time.perf_counter() - started
        time.sleep(0.5)
    raise TimeoutError(f"{alias} still not merged after {timeout:.0f} s")


def drop_indices(es_url: str) -> None:
    parts = urllib.parse.urlsplit(es_url)
    client = Client(parts.hostname or "127.0.0.1", parts.port or 9200)
    client.call("DELETE", f"/{PREFIX}-*?expand_wildcards=open,closed")


def table(rows: list[dict[str, Any]]) -> str:
    def f(row: dict[str, Any], key: str) -> str:
        value = row.get(key)
        return f"{value:.1f}" if isinstance(value, float) else "–"

    def ratios(row: dict[str, Any], over: str) -> str:
        if not row.get("es_matches_p50") or not row.get(f"{over}matches_p50"):
            return "–"
        return (
            f"{row[f'{over}matches_p50'] / row['es_matches_p50']:.2f}, "
            f"{row[f'{over}search_p50'] / row['es_search_p50']:.2f}"
        )

    lines = [
        "| profiles | backend | index (profiles/s) | matches p50 / p95 (ms) | "
        "search p50 / p95 (ms) | raw ES matches p50 / p95 | raw ES search p50 / p95 | "
        "floor matches, search p50 | API p50 ÷ ES p50 (matches, search) | "
        "floor p50 ÷ ES p50 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        rate = f"{r['index_rate']:.0f}" if r.get("index_rate") else "–"
        if r.get("merge_seconds") is not None:
            rate += f" (+{r['merge_seconds']:.0f} s merge)"
        lines.append(
            f"| {r['size']:,} | {r['backend']} | {rate} | {f(r, 'matches_p50')} / "
            f"{f(r, 'matches_p95')} | {f(r, 'search_p50')} / {f(r, 'search_p95')} | "
            f"{f(r, 'es_matches_p50')} / {f(r, 'es_matches_p95')} | {f(r, 'es_search_p50')} / "
            f"{f(r, 'es_search_p95')} | {f(r, 'floor_matches_p50')}, {f(r, 'floor_search_p50')} "
            f"| {ratios(r, '')} | {ratios(r, 'floor_')} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument(
        "--es-url", default=os.environ.get("ELASTICSEARCH_URL", "http://127.0.0.1:9200")
    )
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--embedded-sizes", default="1000,5000,10000")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument(
        "--order",
        default="rotate",
        choices=["rotate", "api-first"],
        help="rotate: each round starts with the next variant (API, raw, floor); api-first: "
        "the API always first",
    )
    parser.add_argument(
        "--no-floor", action="store_true", help="do not run the floor app (floor.py)"
    )
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if args.worker_class == "sync":
        GUNICORN_EXTRA[:] = ["--worker-class", "sync"]
    hashed = password_hash()
    rows = []
    for size in [int(s) for s in args.embedded_sizes.split(",") if s]:
        rows.append(
            bench_size(
                args.database_url,
                None,
                size,
                args.requests,
                args.workers,
                args.warmup,
                hashed,
                log,
                args.order,
                not args.no_floor,
            )
        )
    for size in [int(s) for s in args.sizes.split(",") if s]:
        rows.append(
            bench_size(
                args.database_url,
                args.es_url,
                size,
                args.requests,
                args.workers,
                args.warmup,
                hashed,
                log,
                args.order,
                not args.no_floor,
            )
        )
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
