"""Every periodic job of schedule.py is a task the worker knows; the worker needs a broker."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECK = """
import marketplace.jobs.worker as worker
from marketplace.jobs.schedule import BEAT_SCHEDULE
names = sorted(entry["task"] for entry in BEAT_SCHEDULE.values())
missing = [n for n in names if n not in worker.celery.tasks]
assert not missing, missing
assert "marketplace.jobs.run_job" in worker.celery.tasks
print(" ".join(names))
"""


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **{k: v for k, v in os.environ.items() if k != "JOBS_BROKER_URL"},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}",
        "SECRET_KEY": "test-secret-key-not-for-production",
        **env,
    }
    return subprocess.run(  # noqa: S603  (our own interpreter, a constant script)
        [sys.executable, "-c", CHECK],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_every_scheduled_task_is_registered_by_the_worker(tmp_path: Path) -> None:
    done = _run(tmp_path, JOBS_BROKER_URL="redis://127.0.0.1:56379/0")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "marketplace.jobs.dac7_remind",
        "marketplace.jobs.notification_digests",
        "marketplace.jobs.purge_retention",
        "marketplace.jobs.purge_unsent_files",
        "marketplace.jobs.relay_pending",
        "marketplace.jobs.release_due",
        "marketplace.jobs.remind_vigilance",
        "marketplace.jobs.search_drain",
    ]


def test_worker_without_a_broker_stops_naming_the_variable(tmp_path: Path) -> None:
    done = _run(tmp_path)
    assert done.returncode != 0
    assert "JOBS_BROKER_URL is required" in done.stderr
