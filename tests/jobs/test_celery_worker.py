"""A real Celery worker (a subprocess) on the real Redis, sending to the real Mailpit.

What it shows: jobs committed while no worker runs wait in the broker and each is done
once when a worker starts; jobs whose relay failed (the broker was down) are not lost:
`relay_pending` sends them again.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.extensions import db
from marketplace.jobs.models import JobOutbox
from marketplace.jobs.relay import CeleryRelay, relay_pending
from marketplace.mail import queue_email
from tests.conftest import make_app
from tests.mail import mailpit

pytestmark = pytest.mark.committing


def _redis_url() -> str:
    """TEST_REDIS_URL, on a database of each test process's own when the suite runs in
    several (pytest-xdist's gw0, gw1...: databases 1, 2...), so no worker purges or takes
    another's tasks."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:56379/0")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return url
    base = url.rsplit("/", 1)[0] if url.count("/") > 2 else url
    return f"{base}/{int(worker[2:]) + 1}"


REDIS_URL = _redis_url()
PUBLIC_URL = "https://secretaires.example.fr"
ROOT = Path(__file__).resolve().parents[2]


def _env(database_url: str, broker: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "JOBS_BROKER_URL": broker,
        "SMTP_URL": mailpit.SMTP_URL,
        "PUBLIC_URL": PUBLIC_URL,
    }


@pytest.fixture
def broker_app(app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    mailpit.check_up()
    application = make_app(database_url, tmp_path_factory, **_env(database_url, REDIS_URL))
    relay = application.extensions["jobs_relay"]
    assert isinstance(relay, CeleryRelay)
    try:
        relay.celery.control.purge()  # what an earlier, interrupted run left in the queue
    except Exception as exc:
        pytest.fail(f"Redis does not answer at {REDIS_URL} ({exc}): run scripts/services/redis.sh")
    return application


@pytest.fixture
def start_worker(database_url: str) -> Iterator[object]:
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        env = {**os.environ, **_env(database_url, REDIS_URL)}
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "marketplace.jobs.worker", "worker",
                "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if process.stderr is not None:
            process.stderr.close()


def _queue(app: Flask, addresses: list[str]) -> None:
    with app.app_context():
        for to in addresses:
            queue_email(
                to,
                "notification",
                context={
                    "title": "Votre contrat est financé",
                    "greeting": "Bonjour,",
                    "body": "Les fonds sont en séquestre.",
                    "action_label": "Voir le contrat",
                },
                action={"endpoint": "web.index", "values": {}},
            )
        db.session.commit()
        db.session.remove()


def test_emails_queued_while_the_worker_is_stopped_each_arrive_once(
    broker_app: Flask,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    start_worker: object,
    caplog: pytest.LogCaptureFixture,
) -> None:
    tag = uuid.uuid4().hex[:8]
    sent_to_broker = [f"w{tag}.{n}@exemple.fr" for n in range(3)]
    _queue(broker_app, sent_to_broker)

    # The broker is down for these: the commit still succeeds, the rows wait in the outbox.
    broker_down = make_app(
        database_url, tmp_path_factory, **_env(database_url, "redis://127.0.0.1:9/0")
    )
    logging.getLogger("marketplace.jobs.relay").disabled = False
    lost_relay = [f"d{tag}.{n}@exemple.fr" for n in range(2)]
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="marketplace.jobs.relay"):
        _queue(broker_down, lost_relay)
    assert time.monotonic() - started < 10  # a request never hangs on a dead broker
    assert "not relayed" in caplog.text

    time.sleep(0.5)
    assert all(mailpit.messages_to(to) == [] for to in sent_to_broker + lost_relay)

    worker = start_worker()  # type: ignore[operator]
    for to in sent_to_broker:
        mailpit.wait_for(to, timeout=30)
    # What the broker never got: beat's relay_pending sends it again.
    with broker_app.app_context():
        assert relay_pending(grace_seconds=0) >= 2
        db.session.remove()
    for to in lost_relay:
        mailpit.wait_for(to, timeout=15)

    time.sleep(1.0)  # room for a duplicate to show up, if there were one
    for to in sent_to_broker + lost_relay:
        [message] = mailpit.messages_to(to)
        assert message["Subject"] == "Votre contrat est financé"
    with broker_app.app_context():
        rows = db.session.execute(sa.select(JobOutbox.done_at, JobOutbox.attempts)).all()
        db.session.remove()
    assert len(rows) == 5
    assert all(done is not None and attempts == 1 for done, attempts in rows)
    assert worker.poll() is None, "the worker died"  # type: ignore[attr-defined]
