"""E-mail through the job outbox to the real Mailpit (SMTP in, HTTP API out); the file mailer."""

from __future__ import annotations

import email
import logging
import uuid
from pathlib import Path

import pytest
from flask import Flask

from marketplace.config import ConfigError, load_settings
from marketplace.extensions import db
from marketplace.jobs import runner
from marketplace.mail import Email, queue_email
from marketplace.mail.services import FileMailer, build_message
from tests.conftest import make_app
from tests.mail import mailpit

PUBLIC_URL = "https://secretaires.example.fr"


def _address() -> str:
    return f"claire.{uuid.uuid4().hex[:10]}@exemple.fr"


def _queue_notification(to: str, language: str = "fr") -> None:
    queue_email(
        to,
        "notification",
        language=language,
        context={
            "title": "Nouveau devis reçu",
            "greeting": "Bonjour Claire,",
            "body": "Sophie a envoyé un devis pour « Accueil téléphonique ».",
            "action_label": "Voir le devis",
        },
        action={"endpoint": "web.index", "values": {}},
        headers={"List-Unsubscribe": f"<{PUBLIC_URL}/compte/notifications>"},
    )


@pytest.fixture
def smtp_app(app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    # `app` first: the migrated database, and this test inside its rolled-back transaction.
    mailpit.check_up()
    # Mailpit accepts any login: the URL's credentials exercise AUTH as production would.
    smtp_url = mailpit.SMTP_URL.replace("smtp://", "smtp://relay-user:s3cret%40pass@", 1)
    return make_app(database_url, tmp_path_factory, SMTP_URL=smtp_url, PUBLIC_URL=PUBLIC_URL)


def test_email_job_sends_both_parts_with_the_public_url_link(smtp_app: Flask) -> None:
    to = _address()
    with smtp_app.app_context():
        _queue_notification(to)
        db.session.commit()
        assert mailpit.messages_to(to) == []  # queued, not sent inside the transaction
        assert runner.run_pending() == {"done": 1}
    [summary] = mailpit.wait_for(to)
    assert summary["Subject"] == "Nouveau devis reçu"
    assert summary["From"]["Address"] == "ne-pas-repondre@secretaires.example.fr"
    assert summary["From"]["Name"] == "Secrétaires indépendantes"
    full = mailpit.message(summary["ID"])
    assert "Sophie a envoyé un devis" in full["Text"]
    assert f"Voir le devis : {PUBLIC_URL}/" in full["Text"]
    assert f'href="{PUBLIC_URL}/"' in full["HTML"]
    assert "Secrétaires indépendantes" in full["HTML"]
    assert "<script" not in full["HTML"]
    headers = mailpit.headers(summary["ID"])
    assert headers["List-Unsubscribe"] == [f"<{PUBLIC_URL}/compte/notifications>"]
    assert headers["Content-Language"] == ["fr"]
    assert headers["Auto-Submitted"] == ["auto-generated"]
    assert any("multipart/alternative" in v for v in headers["Content-Type"])


def test_email_of_a_rolled_back_change_is_never_sent(smtp_app: Flask) -> None:
    to = _address()
    with smtp_app.app_context():
        _queue_notification(to)
        db.session.rollback()
        assert runner.run_pending() == {}
    assert mailpit.messages_to(to) == []


def test_context_is_escaped_in_the_html_part(smtp_app: Flask) -> None:
    to = _address()
    with smtp_app.app_context():
        queue_email(
            to,
            "notification",
            context={
                "title": "Message",
                "greeting": "Bonjour,",
                "body": "<script>alert(1)</script>",
                "action_label": "Lire",
            },
            action={"endpoint": "web.index", "values": {}},
        )
        db.session.commit()
        runner.run_pending()
    [summary] = mailpit.wait_for(to)
    full = mailpit.message(summary["ID"])
    assert "<script>" not in full["HTML"]
    assert "&lt;script&gt;" in full["HTML"]
    assert "<script>alert(1)</script>" in full["Text"]  # plain text: nothing to escape


def test_unreachable_smtp_server_leaves_the_job_to_retry(
    app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    down = make_app(database_url, tmp_path_factory, SMTP_URL="smtp://127.0.0.1:9")
    with down.app_context():
        _queue_notification(_address())
        db.session.commit()
        assert runner.run_pending() == {"retry": 1}
        [job_error] = [j.last_error for j in _pending_jobs()]
        assert job_error is not None and "ConnectionRefusedError" in job_error


def _pending_jobs() -> list:  # type: ignore[type-arg]
    import sqlalchemy as sa

    from marketplace.jobs.models import JobOutbox

    return list(db.session.scalars(sa.select(JobOutbox).where(JobOutbox.done_at.is_(None))))


def test_without_smtp_the_email_is_a_file_and_only_subject_and_recipient_are_logged(
    app: Flask, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    to = _address()
    with app.app_context():
        mailer = app.extensions["mailer"]
        assert isinstance(mailer, FileMailer)
        _queue_notification(to)
        db.session.commit()
        # Alembic's fileConfig (the migrations of the `app` fixture) disabled existing loggers.
        monkeypatch.setattr(logging.getLogger("marketplace.mail.services"), "disabled", False)
        with caplog.at_level(logging.INFO, logger="marketplace.mail"):
            assert runner.run_pending() == {"done": 1}
    [path] = [p for p in mailer.directory.glob("*.eml") if to in p.read_text()]
    parsed = email.message_from_bytes(path.read_bytes())
    assert parsed["To"] == to
    assert parsed.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parsed.get_payload()] == ["text/plain", "text/html"]  # type: ignore[union-attr]
    logged = " ".join(
        r.getMessage() for r in caplog.records if r.name.startswith("marketplace.mail")
    )
    assert to in logged and "Nouveau devis reçu" in logged
    assert "Sophie" not in logged and "http" not in logged
    path.unlink()


@pytest.mark.parametrize(
    "to", ["pas-une-adresse", "a@exemple.fr\nBcc: b@exemple.fr", "a@x.fr, b@y.fr"]
)
def test_queue_email_refuses_anything_but_one_address(app: Flask, to: str) -> None:
    with app.app_context(), pytest.raises(ValueError, match="one e-mail address"):
        queue_email(to, "notification", context={}, action=None)


def test_a_header_with_a_line_break_is_refused() -> None:
    message = Email(to="a@exemple.fr", subject="Bonjour\nBcc: b@exemple.fr", text="t", html="h")
    with pytest.raises(ValueError):
        build_message(message, "ne-pas-repondre@exemple.fr")


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SMTP_URL": "http://mail.exemple.fr"}, "SMTP_URL"),
        ({"SMTP_URL": "smtp://mail.exemple.fr:port"}, "SMTP_URL"),
        ({"SMTP_URL": "smtps://mail.exemple.fr?starttls=1"}, "SMTP_URL"),
        ({"SMTP_URL": "smtp://mail.exemple.fr?tls=yes"}, "SMTP_URL"),
        ({"MAIL_FROM": "pas une adresse"}, "MAIL_FROM"),
        ({"JOBS_BROKER_URL": "amqp://guest:guest@localhost//"}, "JOBS_BROKER_URL"),
        ({"JOBS_EMBEDDED": "maybe"}, "JOBS_EMBEDDED"),
    ],
)
def test_malformed_mail_and_jobs_settings_stop_the_start_naming_the_variable(
    env: dict[str, str], named: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match=named) as caught:
        load_settings({"SECRET_KEY": "x" * 20, **env}, tmp_path)
    assert "guest" not in str(caught.value)  # a broker password is never echoed


def test_smtp_url_is_parsed_and_the_password_is_not_in_the_repr(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "SECRET_KEY": "x" * 20,
            "SMTP_URL": "smtp://postmaster%40exemple.fr:p%40ss@mail.exemple.fr:587?starttls=1",
            "PUBLIC_URL": "https://secretaires.example.fr",
        },
        tmp_path,
    )
    assert settings.smtp is not None
    assert (settings.smtp.host, settings.smtp.port) == ("mail.exemple.fr", 587)
    assert (settings.smtp.username, settings.smtp.password) == ("postmaster@exemple.fr", "p@ss")
    assert settings.smtp.starttls and not settings.smtp.ssl
    assert "p@ss" not in repr(settings)
    assert settings.mail_from == "ne-pas-repondre@secretaires.example.fr"


def test_email_is_rendered_in_the_recipients_language(smtp_app: Flask) -> None:
    to = _address()
    with smtp_app.app_context():
        _queue_notification(to, language="en")
        db.session.commit()
        runner.run_pending()
    [summary] = mailpit.wait_for(to)
    full = mailpit.message(summary["ID"])
    assert "please do not reply" in full["Text"] and "please do not reply" in full["HTML"]
    assert "merci de ne pas y répondre" not in full["Text"]
    assert mailpit.headers(summary["ID"])["Content-Language"] == ["en"]
