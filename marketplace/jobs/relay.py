"""After a commit, the jobs it wrote are handed to whoever runs them; never before.

`after_commit` on the app's session takes the ids `enqueue` noted in `session.info` and
hands them to the app's relay: Celery (`JOBS_BROKER_URL` set) or the embedded runner, a
thread of this process (`JOBS_EMBEDDED=thread`). A rollback forgets them (their rows are
gone too). A relay that fails (Redis down) only logs: the rows are in the database and
`relay_pending` (beat, every minute; the embedded thread's sweep) sends them again.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import threading
import time
import uuid
from typing import Protocol

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.config import Settings
from marketplace.extensions import db
from marketplace.jobs.outbox import PENDING_IDS

log = logging.getLogger(__name__)

SWEEP_SECONDS = 30.0


class Relay(Protocol):
    def send(self, job_ids: list[uuid.UUID]) -> None: ...


class CeleryRelay:
    """Sends one `run_job` task per id to the broker."""

    def __init__(self, broker_url: str) -> None:
        from marketplace.jobs.celery_app import make_celery

        self.celery = make_celery(broker_url)

    def send(self, job_ids: list[uuid.UUID]) -> None:
        from marketplace.jobs.celery_app import RUN_JOB

        for job_id in job_ids:
            # retry=False: a request never waits on a broker that is down; the sweep re-sends.
            self.celery.send_task(RUN_JOB, args=[str(job_id)], retry=False)


class EmbeddedRunner:
    """Runs jobs in a background thread of this process: small installs, `./scripts/run`."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._queue: list[uuid.UUID] = []
        self._mutex = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def send(self, job_ids: list[uuid.UUID]) -> None:
        with self._mutex:
            self._queue.extend(job_ids)
        self.ensure_started()
        self._wake.set()

    def ensure_started(self) -> None:
        if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
            return
        with self._mutex:
            if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
                return
            self._pid = os.getpid()
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._run, name="jobs-runner", daemon=True)
            self._thread.start()
            atexit.register(self._at_exit)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout)
        self._thread = None

    def _take(self) -> list[uuid.UUID]:
        with self._mutex:
            ids, self._queue = self._queue, []
        return ids

    def _run(self) -> None:
        from marketplace.jobs.runner import run_job, run_pending

        # At start (what an earlier process left behind), then every SWEEP_SECONDS however
        # busy the site is: delayed jobs and retries are only ever run by the sweep.
        last_sweep = 0.0
        while not self._stop.is_set():
            try:
                with self.app.app_context():
                    for job_id in self._take():
                        run_job(job_id)
                    if time.monotonic() - last_sweep >= SWEEP_SECONDS:
                        last_sweep = time.monotonic()
                        run_pending()
            except Exception as exc:  # database unreachable: the next sweep tries again
                log.warning("jobs: embedded runner: %s", exc)
            self._wake.wait(timeout=SWEEP_SECONDS)
            self._wake.clear()

    def _at_exit(self) -> None:
        # A short-lived process (a CLI command) may end before the thread ran its jobs.
        if self._pid == os.getpid() and self._queue:
            from marketplace.jobs.runner import run_job

            with contextlib.suppress(Exception), self.app.app_context():
                for job_id in self._take():
                    run_job(job_id)


def build_relay(app: Flask, settings: Settings) -> Relay | None:
    if settings.jobs_broker_url:
        return CeleryRelay(settings.jobs_broker_url)
    if settings.jobs_embedded == "thread":
        return EmbeddedRunner(app)
    return None


def _after_commit(session: Session) -> None:
    ids: list[uuid.UUID] = session.info.pop(PENDING_IDS, [])
    if not ids or not has_app_context():
        return
    relay: Relay | None = current_app.extensions.get("jobs_relay")
    if relay is None:
        return
    try:
        relay.send(ids)
    except Exception as exc:  # never fail the request that committed; the sweep re-sends
        log.warning("jobs: %d job(s) not relayed, the sweep will: %s", len(ids), exc)


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING_IDS, None)


_installed = False


def install() -> None:
    """Listen on the app session (once per process; every app shares `db.session`)."""
    global _installed
    if _installed:
        return
    event.listen(db.session, "after_commit", _after_commit)
    event.listen(db.session, "after_rollback", _after_rollback)
    _installed = True


def init_app(app: Flask) -> None:
    from marketplace.jobs import models  # noqa: F401  (the outbox table joins the metadata)

    settings: Settings = app.config["MARKETPLACE_SETTINGS"]
    relay = build_relay(app, settings)
    app.extensions["jobs_relay"] = relay
    if isinstance(relay, EmbeddedRunner):
        # Each serving process keeps the thread, which also sweeps what an earlier one left.
        app.before_request(relay.ensure_started)
    install()


def relay_pending(grace_seconds: float = 30.0) -> int:
    """Send again every due job not done (beat, every minute). Returns how many were sent.

    Jobs younger than `grace_seconds` are left to their first relay; a duplicate would be
    harmless anyway (`run_job` acts once).
    """
    from datetime import timedelta

    from marketplace.db import utcnow
    from marketplace.jobs.runner import due_ids, run_pending

    relay: Relay | None = current_app.extensions.get("jobs_relay")
    if not isinstance(relay, CeleryRelay):
        return sum(run_pending().values())
    ids = due_ids(now=utcnow() - timedelta(seconds=grace_seconds))
    if ids:
        relay.send(ids)
        log.info("jobs: relayed %d pending job(s) again", len(ids))
    return len(ids)
