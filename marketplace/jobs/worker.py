"""The Celery worker and beat: `.venv/bin/celery -A marketplace.jobs.worker worker` (or `beat`).

It builds the Flask app from the same environment as the web process (JOBS_BROKER_URL is
required here) and runs every task inside an app context, so tasks call the same services
as the pages. The tasks are thin: `run_job` is the job outbox's runner; the periodic ones
are listed in `schedule.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from celery import Task

from marketplace import create_app
from marketplace.config import ConfigError
from marketplace.jobs.celery_app import (
    DAC7_REMIND,
    NOTIFICATION_DIGESTS,
    PURGE_RETENTION,
    PURGE_UNSENT_FILES,
    RELAY_PENDING,
    RELEASE_DUE,
    REMIND_VIGILANCE,
    RUN_JOB,
    SEARCH_DRAIN,
    make_celery,
)
from marketplace.jobs.schedule import BEAT_SCHEDULE

try:
    flask_app = create_app()
except ConfigError as exc:
    sys.exit(f"Configuration error: {exc}")
_broker = flask_app.config["MARKETPLACE_SETTINGS"].jobs_broker_url
if not _broker:
    sys.exit("Configuration error: JOBS_BROKER_URL is required to run the Celery worker or beat")

celery = make_celery(_broker)
celery.conf.beat_schedule = BEAT_SCHEDULE
# Beat's record of the last runs lives with the app's other local state, not in the cwd.
Path(flask_app.instance_path).mkdir(parents=True, exist_ok=True)
celery.conf.beat_schedule_filename = str(Path(flask_app.instance_path) / "celerybeat-schedule")


class AppTask(Task):
    """Runs the task inside the Flask app's context; the session is removed afterwards."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with flask_app.app_context():
            return self.run(*args, **kwargs)


@celery.task(name=RUN_JOB, base=AppTask)
def run_job(job_id: str) -> str:
    from marketplace.jobs.runner import run_job as run

    return run(job_id)


@celery.task(name=RELAY_PENDING, base=AppTask)
def relay_pending() -> int:
    from marketplace.jobs.relay import relay_pending as relay

    return relay()


@celery.task(name=RELEASE_DUE, base=AppTask)
def release_due() -> tuple[int, int]:
    from marketplace.contracts.periods import run_due
    from marketplace.contracts.services import auto_release_due, remind_auto_release
    from marketplace.reviews.services import publish_due

    released = auto_release_due()
    remind_auto_release()
    run_due()  # regular work: next periods, timesheets submitted and approved by themselves
    return released, publish_due()


@celery.task(name=NOTIFICATION_DIGESTS, base=AppTask)
def notification_digests() -> int:
    from marketplace.notifications.emails import send_digests

    return send_digests()


@celery.task(name=PURGE_UNSENT_FILES, base=AppTask)
def purge_unsent_files() -> int:
    from marketplace.conversations.services import purge_unsent

    return purge_unsent()


@celery.task(name=PURGE_RETENTION, base=AppTask)
def purge_retention() -> dict[str, int]:
    from marketplace.privacy.retention import purge

    return purge().as_dict()


@celery.task(name=REMIND_VIGILANCE, base=AppTask)
def remind_vigilance() -> int:
    from marketplace.compliance.vigilance import remind_expiring

    return remind_expiring()


@celery.task(name=SEARCH_DRAIN, base=AppTask)
def search_drain() -> int:
    drainer = flask_app.extensions.get("search_drainer")
    if drainer is None or not flask_app.config["MARKETPLACE_SETTINGS"].elasticsearch_url:
        return 0  # the embedded search backend has no outbox to drain
    return int(drainer.drain_now().applied)


@celery.task(name=DAC7_REMIND, base=AppTask)
def dac7_remind() -> dict[str, int]:
    from marketplace.dac7.services import remind

    run = remind()
    return {"reminded": run.reminded, "statements": run.statements}
