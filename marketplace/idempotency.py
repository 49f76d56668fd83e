"""`Idempotency-Key` for API POSTs: a retried request returns the first answer, never acts twice.

Transitions are already safe to repeat (a second `approve` is a 409), but creating things
(a mission, a bid) is not: a client that timed out cannot know whether its POST went
through. With the header, the first request's status and body are stored under
(caller, key); a retry with the same key and body gets them back; a retry with another body
is refused (422), and one that arrives while the first still runs gets 409. Only
successful answers are kept (as Stripe does).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, Response, g, request
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.accounts.auth import optional_api_user
from marketplace.db import created_at, utcnow
from marketplace.errors import Conflict, FieldErrors
from marketplace.extensions import db

HEADER = "Idempotency-Key"
KEEP_FOR = timedelta(days=1)


class IdempotencyKey(db.Model):  # type: ignore[name-defined]
    __tablename__ = "idempotency_keys"

    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    status_code: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    body: Mapped[bytes | None] = mapped_column(sa.LargeBinary, nullable=True)
    created_at: Mapped[datetime] = created_at()


def _fingerprint() -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b" " + request.path.encode() + b"\n")
    digest.update(request.get_data())
    return digest.hexdigest()


def _caller_id() -> uuid.UUID | None:

    user = optional_api_user()
    return user.id if user else None


def before_request() -> Response | None:
    key = request.headers.get(HEADER)
    if not key or request.method != "POST" or not request.path.startswith("/api/"):
        return None
    if len(key) > 255:
        raise FieldErrors({HEADER: _("255 caractères au plus.")})
    user_id = _caller_id()
    if user_id is None:
        return None  # the view answers 401 itself
    fingerprint = _fingerprint()
    db.session.execute(
        sa.delete(IdempotencyKey).where(IdempotencyKey.created_at < utcnow() - KEEP_FOR)
    )
    db.session.add(IdempotencyKey(user_id=user_id, key=key, request_hash=fingerprint))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        stored = db.session.get(IdempotencyKey, (user_id, key))
        if stored is None:  # expired between the two statements: treat as new
            return None
        if stored.request_hash != fingerprint:
            raise FieldErrors(
                {HEADER: _("Cette clé a déjà servi pour une autre requête.")}
            ) from None
        if stored.status_code is None:
            raise Conflict(_("Une requête avec cette clé est déjà en cours.")) from None
        response = Response(stored.body, status=stored.status_code, mimetype="application/json")
        response.headers["Idempotent-Replayed"] = "true"
        return response
    g.idempotency = (user_id, key)
    return None


def after_request(response: Response) -> Response:
    claimed = g.pop("idempotency", None)
    if claimed is None:
        return response
    db.session.rollback()  # whatever the view left open is not ours to commit
    if not 200 <= response.status_code < 300:
        # Like Stripe, only a request that acted is remembered: after a refusal
        # (validation, conflict, ...) the client may fix it and retry with the same key.
        db.session.execute(
            sa.delete(IdempotencyKey).where(
                IdempotencyKey.user_id == claimed[0], IdempotencyKey.key == claimed[1]
            )
        )
    else:
        db.session.execute(
            sa.update(IdempotencyKey)
            .where(IdempotencyKey.user_id == claimed[0], IdempotencyKey.key == claimed[1])
            .values(status_code=response.status_code, body=response.get_data())
        )
    db.session.commit()
    return response


def init_app(app: Flask) -> None:
    app.before_request(before_request)
    app.after_request(after_request)
