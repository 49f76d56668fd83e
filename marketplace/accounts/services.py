"""Sign-up, sign-in, passwords, API tokens and web sessions."""

from __future__ import annotations

import functools
import hashlib
import secrets
import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from marketplace.accounts import passwords
from marketplace.accounts.models import ApiToken, Role, User, WebSession
from marketplace.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password
from marketplace.accounts.throttle import SIGN_IN, SIGN_UP
from marketplace.db import utcnow
from marketplace.errors import Conflict, FieldErrors, Unauthorized
from marketplace.extensions import db

__all__ = ["MIN_PASSWORD_LENGTH", "hash_password"]

TOKEN_PREFIX = "mkt_"  # noqa: S105 (a prefix that makes leaked tokens recognisable)
# A live web session's last_seen_at is written at most this often (not on every page).
LAST_SEEN_EVERY = timedelta(minutes=5)
# A web session unused this long has expired: refused, then deleted (privacy/retention.py).
WEB_SESSION_IDLE = timedelta(days=30)
DEFAULT_OPERATOR_NAME = "Opérateur"


class EmailNotVerified(Conflict):
    """Bidding, posting a mission and connecting a payout account wait for a verified
    address (409)."""

    code = "email_not_verified"


def require_verified_email(user: User) -> None:
    """An unverified account browses and fills its profile, but does not bid, post or
    connect a payout account."""
    if user.email_verified_at is None:
        raise EmailNotVerified(
            _(
                "Confirmez d'abord votre adresse e-mail : ouvrez le lien de l'e-mail reçu à "
                "l'inscription (vous pouvez le renvoyer depuis votre tableau de bord)."
            )
        )


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    email: str, password: str, role: Role, display_name: str, *, personal_name: bool = True
) -> User:
    """A new account. Its password follows passwords.check_password_policy (the display
    name counts as personal unless `personal_name` is False: a default like "Opérateur")."""
    SIGN_UP.attempt(email)
    email = normalise_email(email)
    passwords.check_password_policy(
        password, email=email, display_name=display_name if personal_name else None
    )
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


def register(
    email: str, password: str, role: Role, display_name: str, *, commit: bool = True
) -> tuple[User, str]:
    """A business or secretary signs up; returns the user and a first API token (the
    verification e-mail goes with it: `recovery.register`, which the routes call)."""
    if role not in (Role.BUSINESS, Role.SECRETARY):
        raise FieldErrors({"role": _("Choisissez « business » ou « secretary ».")})
    user = create_user(email, password, role, display_name)
    token = _new_token(user)
    if commit:
        db.session.commit()
    return user, token


def create_operator(email: str, password: str, display_name: str | None = None) -> User:
    user = create_user(
        email,
        password,
        Role.OPERATOR,
        display_name or DEFAULT_OPERATOR_NAME,
        personal_name=display_name is not None,
    )
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User:
    """The user with this e-mail and password; 401 otherwise, 429 after repeated failures.

    Known or not, the address costs one Argon2 verification (passwords.verify_dummy), so
    the time of the answer does not tell whether an account exists."""
    SIGN_IN.check(email)
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if user is None:
        passwords.verify_dummy(password)
        ok = False
    else:
        ok = passwords.verify_password(user.password_hash, password)
    if not ok or user is None:
        SIGN_IN.hit(email)
        raise Unauthorized(_("Adresse e-mail ou mot de passe incorrect."))
    if user.is_suspended:
        raise Unauthorized(_("Ce compte est suspendu."))
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def change_password(
    user: User,
    current_password: str,
    new_password: str,
    *,
    keep_web_session: uuid.UUID | None = None,
    keep_token: str | None = None,
) -> None:
    """Set a new password after checking the current one; every other web session and API
    token of the user ends (the one making the change, `keep_*`, stays signed in).

    A wrong current password is a 422 naming `current_password` and counts as a failed
    sign-in (a stolen session must not become a way to guess the password)."""
    SIGN_IN.check(user.email)
    if not passwords.verify_password(user.password_hash, current_password):
        SIGN_IN.hit(user.email)
        raise FieldErrors({"current_password": _("Mot de passe actuel incorrect.")})
    passwords.check_password_policy(
        new_password, email=user.email, display_name=user.display_name, field="new_password"
    )
    user.password_hash = hash_password(new_password)
    # An address change asked with the old password is cancelled (its link, bound to the
    # password hash, is refused already: recovery.email_change_for).
    user.pending_email = None
    end_other_web_sessions(user.id, keep=keep_web_session)
    revoke_all_tokens(user.id, keep=keep_token)
    db.session.commit()


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


def revoke_all_tokens(user_id: uuid.UUID, *, keep: str | None = None) -> None:
    """Every unrevoked token of the user but `keep` stops working (the caller commits)."""
    statement = sa.update(ApiToken).where(
        ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)
    )
    if keep is not None:
        statement = statement.where(ApiToken.token_hash != _digest(keep))
    db.session.execute(
        statement.values(revoked_at=utcnow()).execution_options(synchronize_session=False)
    )


def revoke_token(raw: str) -> None:
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.token_hash == _digest(raw), ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    db.session.commit()


# ----------------------------------------------------------------------------- web sessions
# The session cookie carries the id of a `web_sessions` row (see WebSession): signing out
# revokes the row, so a copy of the cookie made before no longer signs anyone in.


def start_web_session(user: User) -> WebSession:
    """A new server-side session for a user who just signed in (the caller commits)."""
    record = WebSession(user=user)
    db.session.add(record)
    db.session.flush()
    user.web_session_id = record.id
    return record


def user_for_web_session(raw_id: str) -> User | None:
    """The active user of a live session, or None (unknown, revoked, suspended user)."""
    try:
        session_id = uuid.UUID(raw_id)
    except ValueError:
        return None  # also a cookie from before web sessions existed ("<user>:<epoch>")
    now = utcnow()
    row = db.session.execute(
        sa.select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(
            WebSession.id == session_id,
            WebSession.revoked_at.is_(None),
            sa.func.coalesce(WebSession.last_seen_at, WebSession.created_at)
            > now - WEB_SESSION_IDLE,
        )
    ).first()
    if row is None:
        return None
    record, user = row
    if not user.is_active:
        return None
    if record.last_seen_at is None or now - record.last_seen_at > LAST_SEEN_EVERY:
        record.last_seen_at = now  # best effort: saved if the request commits
    user.web_session_id = record.id
    return user


def end_web_session(session_id: uuid.UUID | None) -> None:
    """Sign-out: this session only."""
    if session_id is None:
        return
    db.session.execute(
        sa.update(WebSession)
        .where(WebSession.id == session_id, WebSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def end_other_web_sessions(user_id: uuid.UUID, *, keep: uuid.UUID | None = None) -> None:
    """Every live session of the user but `keep` ends (the caller commits)."""
    statement = sa.update(WebSession).where(
        WebSession.user_id == user_id, WebSession.revoked_at.is_(None)
    )
    if keep is not None:
        statement = statement.where(WebSession.id != keep)
    db.session.execute(
        statement.values(revoked_at=utcnow()).execution_options(synchronize_session=False)
    )
