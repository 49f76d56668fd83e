"""Telling people what happens: in-app notifications, their settings, and what to e-mail.

`notify(...)` is called by the domain services in the same transaction as the change it
tells about (an accepted bid, a payment): if that change rolls back, nobody is told.
It always writes the in-app notification; whether it also goes out by e-mail at once,
in the daily digest or not at all is the user's setting for that kind
(`kinds.KINDS[kind].default_mode` until she changes it). The e-mails themselves are
sent by background jobs (`marketplace.jobs`) from the rows written here: a
notification marked `emailed_at` is never sent twice.

Notifications sit low in the layers (they know users only): every domain may call them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from sqlalchemy.dialects.postgresql import insert as pg_insert

from marketplace import jobs
from marketplace.accounts.models import User
from marketplace.db import utcnow
from marketplace.errors import FieldErrors, NotFound
from marketplace.extensions import db
from marketplace.money import euros
from marketplace.notifications.kinds import KINDS, MODES
from marketplace.notifications.models import Notification, NotificationSetting

NOTIFICATION_EMAIL = "notification_email"


def notify(
    user_id: uuid.UUID,
    kind: str,
    *,
    subject: tuple[str, uuid.UUID],
    url: str,
    params: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    group: bool = False,
    email_delay: timedelta | None = None,
) -> None:
    """Tell `user_id` about `subject` (("contract", id), ...), in the current transaction.

    With a `dedupe_key`, a second call for the same user and key does nothing (an
    `auto_release_soon` reminder run twice tells once). With `group`, a call while an
    earlier notification of the same kind and subject is still unread and not e-mailed
    joins it (its `count` grows) instead of adding one: a burst of messages is one line
    and one e-mail. `email_delay` holds the immediate e-mail back that long, so the burst
    can gather (the caller serialises the calls of one subject, e.g. by a row lock)."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    subject_type, subject_id = subject
    if group and _join_unread(user_id, kind, subject_type, subject_id, params or {}):
        return
    values = {
        "id": uuid.uuid4(),
        "user_id": user_id,
        "kind": kind,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "url": url,
        "params": {k: str(v) for k, v in (params or {}).items()},
        "dedupe_key": dedupe_key,
        "created_at": utcnow(),
    }
    if dedupe_key is not None and db.session.get_bind().dialect.name == "postgresql":
        written = db.session.scalar(
            pg_insert(Notification)
            .values(**values)
            .on_conflict_do_nothing(constraint="uq_notifications_once")
            .returning(Notification.id)
        )
        if written is None:
            return
    elif dedupe_key is not None and db.session.scalar(
        sa.select(Notification.id).where(
            Notification.user_id == user_id, Notification.dedupe_key == dedupe_key
        )
    ):
        return
    else:
        db.session.add(Notification(**values))  # flushed with the caller's change, at its commit
    if email_modes(user_id)[kind] == "immediate":
        # Sent by `notifications.emails` once this transaction commits.
        jobs.enqueue(
            NOTIFICATION_EMAIL,
            {"notification_id": str(values["id"])},
            key=f"notification-email:{values['id']}",
            delay=email_delay,
        )


def _join_unread(
    user_id: uuid.UUID, kind: str, subject_type: str, subject_id: uuid.UUID, params: dict[str, Any]
) -> bool:
    """Fold a new event into the unread, un-e-mailed notification of its subject, if any."""
    waiting = db.session.scalar(
        sa.select(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.kind == kind,
            Notification.subject_type == subject_type,
            Notification.subject_id == subject_id,
            Notification.read_at.is_(None),
            Notification.emailed_at.is_(None),
        )
        .order_by(Notification.created_at.desc())
        .limit(1)
        .with_for_update()
    )
    if waiting is None:
        return False
    count = int(waiting.params.get("count", "1")) + 1
    waiting.params = {
        **waiting.params,
        **{k: str(v) for k, v in params.items()},
        "count": str(count),
    }
    waiting.created_at = utcnow()
    return True


def mark_subject_read(user_id: uuid.UUID, subject_type: str, subject_id: uuid.UUID) -> None:
    """She saw the thing itself (a conversation): its notifications are read, in the
    caller's transaction."""
    db.session.execute(
        sa.update(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.subject_type == subject_type,
            Notification.subject_id == subject_id,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )


# --- reading -----------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A notification as the reader sees it (her language)."""

    id: uuid.UUID
    kind: str
    created_at: datetime
    read_at: datetime | None
    title: str
    body: str
    url: str
    subject: dict[str, Any]


def _readable(params: dict[str, str]) -> dict[str, str]:
    """Amounts (`*_cents`) and days (`*_on`) written in the reader's language."""
    locale = str(get_locale() or "fr")
    readable = {}
    for key, value in params.items():
        if key.endswith("_cents"):
            readable[key.removesuffix("_cents")] = euros(int(value), locale)
        elif key.endswith("_on"):
            readable[key.removesuffix("_on")] = format_date(date.fromisoformat(value), "long")
        else:
            readable[key] = value
    return readable


def shown(notification: Notification) -> Shown:
    kind = KINDS[notification.kind]
    params = _readable(dict(notification.params))
    return Shown(
        id=notification.id,
        kind=notification.kind,
        created_at=notification.created_at,
        read_at=notification.read_at,
        title=kind.title(params),
        body=kind.body(params),
        url=notification.url,
        subject={"type": notification.subject_type, "id": notification.subject_id},
    )


def notifications_of(user: User, unread_only: bool = False) -> sa.Select[tuple[Notification]]:
    query = sa.select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return query.order_by(Notification.created_at.desc(), Notification.id.desc())


def unread_count(user: User) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def mark_read(user: User, notification_id: uuid.UUID) -> Notification:
    """Mark one of the caller's notifications read (again is harmless); others' are 404."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound(_("Notification introuvable."))
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    return notification


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


# --- settings ----------------------------------------------------------------


def email_modes(user_id: uuid.UUID) -> dict[str, str]:
    """Every kind's e-mail mode for this user (her choice, or the kind's default)."""
    chosen = dict(
        db.session.execute(
            sa.select(NotificationSetting.kind, NotificationSetting.mode).where(
                NotificationSetting.user_id == user_id
            )
        ).all()
    )
    return {code: chosen.get(code, kind.default_mode) for code, kind in KINDS.items()}


def set_email_modes(user: User, modes: dict[str, str]) -> dict[str, str]:
    """Change some kinds' modes; an unknown kind or mode is a 422 naming it."""
    errors = {}
    for code, mode in modes.items():
        if code not in KINDS:
            errors[f"email.{code}"] = [_("Type de notification inconnu.")]
        elif mode not in MODES:
            errors[f"email.{code}"] = [_("Choisissez immediate, daily ou off.")]
    if errors:
        raise FieldErrors(errors)
    for code, mode in modes.items():
        _set_mode(user.id, code, mode)
    db.session.commit()
    return email_modes(user.id)


def _set_mode(user_id: uuid.UUID, kind: str, mode: str) -> None:
    setting = db.session.get(NotificationSetting, (user_id, kind))
    if setting is None:
        db.session.add(NotificationSetting(user_id=user_id, kind=kind, mode=mode))
    else:
        setting.mode = mode
    db.session.flush()


def turn_off(user_id: uuid.UUID, kind: str) -> None:
    """The unsubscribe link of an e-mail: that kind's e-mails stop (in-app stays)."""
    if kind not in KINDS:
        raise NotFound()
    _set_mode(user_id, kind, "off")
    db.session.commit()
