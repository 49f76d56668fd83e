"""Notification e-mails: at once for kinds set to `immediate`, a daily digest for `daily`.

`notify()` enqueues a `notification_email` job in the same transaction as the
notification (so a rolled-back change sends nothing); the daily digest is a periodic
job (`marketplace/jobs/schedule.py`, or `flask --app wsgi notifications digest` from cron).
Both mark `emailed_at` with a conditional UPDATE in the job's own transaction before
sending: a job run twice, or a digest run twice at once, e-mails each notification once.
The mode is read again when the mail goes out: a kind turned off meanwhile stays quiet.
Every e-mail is written in the recipient's language and carries a signed unsubscribe
link (and a List-Unsubscribe header) that works signed out.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import URLSafeSerializer

from marketplace import jobs, mail
from marketplace.accounts.models import Role, User
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.notifications import services
from marketplace.notifications.kinds import LABELS
from marketplace.notifications.models import Notification
from marketplace.notifications.services import NOTIFICATION_EMAIL
from marketplace.payments import tax_notice
from marketplace.urls import external_url

UNSUBSCRIBE_SALT = "notification-unsubscribe"
# A daily digest gathers what waited at most this long (older unread ones are in the site).
DIGEST_WINDOW = timedelta(days=7)


def register() -> None:
    """Called by the app factory: importing this module registered the job's handler."""


def unsubscribe_token(user_id: uuid.UUID | str, kind: str) -> str:
    """Who and which kind, signed (no expiry: a link in an old e-mail must still work)."""
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)
    return serializer.dumps([str(user_id), kind])


def read_unsubscribe_token(token: str) -> tuple[uuid.UUID, str]:
    """(user id, kind); ValueError when the token is not one of ours."""
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)
    try:
        user_id, kind = serializer.loads(token)
        return uuid.UUID(user_id), str(kind)
    except Exception as exc:  # BadSignature, a wrong shape, a bad UUID
        raise ValueError("not an unsubscribe token") from exc


def _claim(ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """Mark as e-mailed those not e-mailed yet; returns the ones this run claimed."""
    if not ids:
        return []
    claimed = db.session.scalars(
        sa.update(Notification)
        .where(Notification.id.in_(ids), Notification.emailed_at.is_(None))
        .values(emailed_at=utcnow())
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    ).all()
    return list(claimed)


def _unsubscribe_url(user: User, kind: str) -> str:
    return external_url("web.notification_unsubscribe", token=unsubscribe_token(user.id, kind))


@jobs.handler(NOTIFICATION_EMAIL)
def send_notification_email(payload: dict[str, Any]) -> None:
    notification = db.session.get(Notification, uuid.UUID(payload["notification_id"]))
    if notification is None:
        return
    user = db.session.get(User, notification.user_id)
    if user is None or not user.is_active:
        return
    if services.email_modes(user.id)[notification.kind] != "immediate":
        return  # turned off (or to the digest) since it happened
    if notification.read_at is not None:
        return  # she saw it in the site before the (delayed) e-mail left
    if not _claim([notification.id]):
        return  # already e-mailed
    language = user.language if user.language in ("fr", "en") else "fr"
    with force_locale(language):
        shown = services.shown(notification)
        unsubscribe = _unsubscribe_url(user, notification.kind)
        context = {
            "greeting": _("Bonjour %(name)s,", name=user.display_name),
            "title": shown.title,
            "body": shown.body,
            "action_label": _("Voir dans le site"),
            "action_url": current_app.config["MARKETPLACE_SETTINGS"].public_url + shown.url,
            "unsubscribe_url": unsubscribe,
            "unsubscribe_label": _(
                "Ne plus recevoir ces e-mails (%(kind)s)", kind=LABELS[notification.kind]
            ),
            # A payment to her: what CGI art. 242 bis requires at each transaction.
            "tax_notice": (
                tax_notice.notice()
                if notification.kind in tax_notice.PAYMENT_KINDS and user.role is Role.SECRETARY
                else None
            ),
        }
    email = mail.render_email(
        user.email,
        "notification",
        language=language,
        context=context,
        headers={"List-Unsubscribe": f"<{unsubscribe}>"},
    )
    mail.mailer().send(email)


def send_digests() -> int:
    """One e-mail per user gathering her `daily` notifications not e-mailed yet; returns how
    many e-mails went out. Safe to run twice at once (each notification is claimed)."""
    since = utcnow() - DIGEST_WINDOW
    waiting = db.session.execute(
        sa.select(Notification.user_id, Notification.id, Notification.kind)
        .where(Notification.emailed_at.is_(None), Notification.created_at >= since)
        .order_by(Notification.user_id, Notification.created_at)
    ).all()
    db.session.rollback()
    by_user: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
    for user_id, notification_id, kind in waiting:
        by_user.setdefault(user_id, []).append((notification_id, kind))
    sent = 0
    for user_id, items in by_user.items():
        modes = services.email_modes(user_id)
        daily = [nid for nid, kind in items if modes[kind] == "daily"]
        user = db.session.get(User, user_id)
        if not daily or user is None or not user.is_active:
            db.session.rollback()
            continue
        claimed = _claim(daily)
        if not claimed:
            db.session.rollback()
            continue
        notifications = list(
            db.session.scalars(
                sa.select(Notification)
                .where(Notification.id.in_(claimed))
                .order_by(Notification.created_at)
            )
        )
        language = user.language if user.language in ("fr", "en") else "fr"
        with force_locale(language):
            lines = [services.shown(n) for n in notifications]
            public = current_app.config["MARKETPLACE_SETTINGS"].public_url
            context = {
                "greeting": _("Bonjour %(name)s,", name=user.display_name),
                "title": _("Votre résumé du jour : %(count)d nouveautés", count=len(lines)),
                "items": [{"title": n.title, "body": n.body, "url": public + n.url} for n in lines],
                "action_label": _("Voir mes notifications"),
                "action_url": external_url("web.notifications_page"),
                "settings_url": external_url("web.notifications_page"),
                # A payment to her among them: CGI art. 242 bis, as in the e-mail at once.
                "tax_notice": (
                    tax_notice.notice()
                    if user.role is Role.SECRETARY
                    and any(n.kind in tax_notice.PAYMENT_KINDS for n in notifications)
                    else None
                ),
            }
        email = mail.render_email(user.email, "digest", language=language, context=context)
        try:
            mail.mailer().send(email)
        except Exception:
            db.session.rollback()  # not e-mailed: the next digest takes them
            raise
        db.session.commit()
        sent += 1
    return sent
