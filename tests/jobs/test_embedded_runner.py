"""Without a broker, jobs run in a thread of the web process after the commit (small installs)."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask

from marketplace.extensions import db
from marketplace.jobs.relay import EmbeddedRunner
from marketplace.mail import queue_email
from tests.conftest import make_app
from tests.mail import mailpit

pytestmark = pytest.mark.committing


def test_without_a_broker_the_email_is_sent_by_the_web_process_after_commit(
    app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    mailpit.check_up()
    web = make_app(
        database_url, tmp_path_factory, JOBS_EMBEDDED="thread", SMTP_URL=mailpit.SMTP_URL
    )
    runner = web.extensions["jobs_relay"]
    assert isinstance(runner, EmbeddedRunner)
    to = f"embedded.{uuid.uuid4().hex[:10]}@exemple.fr"
    try:
        with web.app_context():
            queue_email(
                to,
                "notification",
                context={
                    "title": "Invitation reçue",
                    "greeting": "Bonjour,",
                    "body": "Une entreprise vous invite.",
                    "action_label": "Voir",
                },
                action={"endpoint": "web.index", "values": {}},
            )
            db.session.commit()
            db.session.remove()
        [message] = mailpit.wait_for(to, timeout=10)  # nobody ran the job by hand
        assert message["Subject"] == "Invitation reçue"
    finally:
        runner.stop()
