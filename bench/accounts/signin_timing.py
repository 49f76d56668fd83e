"""Sign-in timing: does the answer time tell whether an e-mail has an account?

    .venv/bin/python -m bench.accounts.signin_timing                 # SQLite in a temp folder
    .venv/bin/python -m bench.accounts.signin_timing --attempts 100
    BENCH_DATABASE_URL=postgresql://... .venv/bin/python -m bench.accounts.signin_timing

The real app (create_app, the migrations, the production Argon2id parameters: no
ARGON2_PARAMS override), one account, then `POST /api/v1/auth/token` with a wrong password,
alternately for the known address and for unknown ones, `--attempts` times each, in one
run. Throttling is off for the run (RATELIMIT_ENABLED=false), otherwise the sixth attempt
would be a 429. Prints the median and p90 of each and their difference.

A PostgreSQL URL must name a database the benchmark may fill (it is migrated, one user is
added and removed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

PASSWORD = "chronometre-du-matin-42"  # noqa: S105 (the benchmark account)
KNOWN = "banc.connexion@exemple.fr"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=50)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()

    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.accounts.models import Role, User
    from marketplace.accounts.services import create_user
    from marketplace.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        env = {
            "DATABASE_URL": url,
            "SECRET_KEY": "benchmark-secret-key-not-for-production",
            "RATELIMIT_ENABLED": "false",
        }
        app = create_app(env=env)
        app.instance_path = tmp
        with app.app_context():
            upgrade()
            db.session.execute(db.delete(User).where(User.email == KNOWN))
            create_user(KNOWN, PASSWORD, Role.SECRETARY, "Banc Connexion")
            db.session.commit()
        client = app.test_client()

        def attempt(email: str) -> float:
            start = time.perf_counter()
            response = client.post(
                "/api/v1/auth/token", json={"email": email, "password": "pas-le-bon-mot"}
            )
            elapsed = time.perf_counter() - start
            assert response.status_code == 401, response.get_data(as_text=True)
            return elapsed * 1000

        for n in range(3):  # warm-up: imports, first connections, the dummy hash
            attempt(KNOWN)
            attempt(f"inconnu.chauffe{n}@exemple.fr")
        known: list[float] = []
        unknown: list[float] = []
        for n in range(args.attempts):  # interleaved: both see the same machine load
            known.append(attempt(KNOWN))
            unknown.append(attempt(f"inconnu{n}@exemple.fr"))
        with app.app_context():
            db.session.execute(db.delete(User).where(User.email == KNOWN))
            db.session.commit()

    def p90(values: list[float]) -> float:
        return statistics.quantiles(values, n=10)[-1]

    mk, mu = statistics.median(known), statistics.median(unknown)
    print(f"database: {url.split('://')[0]}; {args.attempts} wrong-password sign-ins each")
    print(f"known address:   median {mk:6.1f} ms   p90 {p90(known):6.1f} ms")
    print(f"unknown address: median {mu:6.1f} ms   p90 {p90(unknown):6.1f} ms")
    print(f"difference of medians: {mu - mk:+.1f} ms ({(mu - mk) / mk:+.1%})")


if __name__ == "__main__":
    main()
