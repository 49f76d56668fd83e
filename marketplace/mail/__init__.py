"""Outgoing e-mail: rendered from templates, sent by a background job after the commit.

`queue_email(to, template, language=..., context=..., action=...)` enqueues a `send_email`
job in the current transaction (marketplace/jobs): an e-mail about a change that is rolled
back is never sent, and one that fails (SMTP down) is retried. The job renders
`templates/mail/<template>.txt` and `.html` in the recipient's language (the text
template sets `subject`), with the site's name and the one link to act, built from
PUBLIC_URL by `external_url` (never from a request's Host), then hands the `Email` to the
mailer chosen at start-up (`SMTP_URL`, else `.eml` files in `instance/mail/`).

The payload is stored in the job table: never put a secret in `context`. A link that
carries a token is built by the handler of a job kind of its own, from ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace import jobs
from marketplace.mail.interfaces import Email, Mailer
from marketplace.mail.services import build_mailer
from marketplace.urls import external_url

LANGUAGES = ("fr", "en")
SEND_EMAIL = "send_email"

__all__ = ["Email", "Mailer", "init_app", "mailer", "queue_email", "render_email"]


def init_app(app: Flask) -> None:
    with app.app_context():
        name = site_name()
    app.extensions["mailer"] = build_mailer(
        app.config["MARKETPLACE_SETTINGS"], Path(app.instance_path), name
    )


def mailer() -> Mailer:
    found: Mailer = current_app.extensions["mailer"]
    return found


def site_name() -> str:
    return _("Secrétaires indépendantes")


def render_email(
    to: str,
    template: str,
    *,
    language: str = "fr",
    context: Mapping[str, Any] | None = None,
    action: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Email:
    """Both parts of `mail/<template>`, in `language`; `action` is {endpoint, values}."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    values: dict[str, Any] = dict(context or {})
    with force_locale(language):
        values["site_name"] = site_name()
        values["site_url"] = external_url("web.index")
        if action is not None:
            values["action_url"] = external_url(action["endpoint"], **action.get("values", {}))
        text_template = current_app.jinja_env.get_template(f"mail/{template}.txt")
        text_context = dict(values)
        current_app.update_template_context(text_context)
        module = text_template.make_module(text_context)
        subject = str(getattr(module, "subject", "")).strip()
        if not subject:
            raise ValueError(f"mail/{template}.txt does not set a subject")
        text = str(module).strip() + "\n"
        html = render_template(f"mail/{template}.html", subject=subject, **values)
    return Email(
        to=to,
        subject=subject,
        text=text,
        html=html,
        language=language,
        headers=dict(headers or {}),
    )


def queue_email(
    to: str,
    template: str,
    *,
    language: str = "fr",
    context: Mapping[str, Any] | None = None,
    action: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    key: str | None = None,
) -> Any:
    """Send this e-mail once the current transaction commits (a `send_email` job)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    if "@" not in to or any(c in to for c in "\r\n,;"):
        # Refused now, not after six failed sends: one plain address, no header tricks.
        raise ValueError("queue_email needs one e-mail address")
    payload = {
        "to": to,
        "template": template,
        "language": language,
        "context": dict(context or {}),
        "action": dict(action) if action is not None else None,
        "headers": dict(headers or {}),
    }
    return jobs.enqueue(SEND_EMAIL, payload, key=key)


@jobs.handler(SEND_EMAIL)
def send_email(payload: dict[str, Any]) -> None:
    email = render_email(
        payload["to"],
        payload["template"],
        language=payload.get("language", "fr"),
        context=payload.get("context"),
        action=payload.get("action"),
        headers=payload.get("headers"),
    )
    mailer().send(email)
