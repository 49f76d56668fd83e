"""Sign-up, sign-in and API tokens."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import secrets
import uuid

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import ApiToken, Role, User
from marketplace.db import utcnow
from marketplace.errors import Conflict, FieldErrors, Unauthorized
from marketplace.extensions import db

TOKEN_PREFIX = "mkt_"  # noqa: S105 (a prefix that makes leaked tokens recognisable)
MIN_PASSWORD_LENGTH = 10
# Checked against a dummy hash when the e-mail is unknown, so timing does not reveal accounts.
_DUMMY_HASH: dict[str, str] = {}


def _hasher() -> PasswordHasher:
    # Argon2id (memory-hard). Tests lower the cost through ARGON2_PARAMS; production keeps
    # the library's defaults (64 MiB, 3 passes).
    params = current_app.config.get("ARGON2_PARAMS") or {}
    return PasswordHasher(**params)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise FieldErrors({"password": _("Au moins %(n)d caractères.", n=MIN_PASSWORD_LENGTH)})
    if len(password) > 256:
        raise FieldErrors({"password": _("256 caractères au plus.")})


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def create_user(email: str, password: str, role: Role, display_name: str) -> User:
    check_password_policy(password)
    email = normalise_email(email)
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise Conflict(_("Un compte existe déjà avec cette adresse e-mail."))
    user = User(
        email=email,
        password_hash=hash_password(password),
        role=role,
        display_name=display_name.strip(),
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("Un compte existe déjà avec cette adresse e-mail.")) from None
    return user


def register(email: str, password: str, role: Role, display_name: str) -> tuple[User, str]:
    """A business or secretary signs up; returns the user and a first API token."""
    if role not in (Role.BUSINESS, Role.SECRETARY):
        raise FieldErrors({"role": _("Choisissez « business » ou « secretary ».")})
    user = create_user(email, password, role, display_name)
    token = _new_token(user)
    db.session.commit()
    return user, token


def create_operator(email: str, password: str, display_name: str = "Opérateur") -> User:
    user = create_user(email, password, Role.OPERATOR, display_name)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    hasher = _hasher()
    if user is None:
        dummy = _DUMMY_HASH.setdefault("h", hasher.hash(secrets.token_hex(8)))
        with contextlib.suppress(VerificationError):
            hasher.verify(dummy, password)
        raise Unauthorized(_("Adresse e-mail ou mot de passe incorrect."))
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise Unauthorized(_("Adresse e-mail ou mot de passe incorrect.")) from None
    if user.is_suspended:
        raise Unauthorized(_("Ce compte est suspendu."))
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_token(user: User) -> str:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=_digest(raw)))
    return raw


def issue_token(email: str, password: str) -> str:
    user = authenticate(email, password)
    token = _new_token(user)
    db.session.commit()
    return token


@functools.cache
def token_user_select() -> sa.Select[User]:
    """The active user holding an unrevoked token, users joined to api_tokens in one query,
    the token's digest bound as `token_hash` (see `token_params`). Built once: a caller may
    add columns (an outer join) to load more in the same round trip."""
    return (
        sa.select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == sa.bindparam("token_hash"),
            ApiToken.revoked_at.is_(None),
            User.is_suspended.is_(False),
        )
    )


def token_params(raw: str) -> dict[str, str]:
    return {"token_hash": _digest(raw)}


def user_for_token(raw: str) -> User | None:
    if not raw.startswith(TOKEN_PREFIX):
        return None
    return db.session.scalar(token_user_select(), token_params(raw))


def revoke_all_tokens(user_id: uuid.UUID) -> None:
    """Every unrevoked token of the user stops working (the caller commits)."""
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def revoke_token(raw: str) -> None:
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.token_hash == _digest(raw), ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    db.session.commit()
