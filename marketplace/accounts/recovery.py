"""Accounts that can be recovered: e-mail verification and password reset by e-mail.

Both links carry a token signed with SECRET_KEY (itsdangerous), valid for a limited time
(verification: 7 days, reset: 1 hour) and bound to what it acts on, so it works once:
- a verification token names the address; once verified (or once the address changed)
  the same link changes nothing more;
- a reset token carries a digest of the current password hash: setting the new password
  changes the hash, so the used link (and any older one) is refused.
Asking for a reset answers the same whether the address exists (202), costs the same
Argon2-free work, and is throttled per address and per client (`throttle.PASSWORD_RESET`).
A reset ends every web session and API token of the account.
The e-mails are queued in the same transaction (`mail.queue_email`): sent after commit.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from marketplace import mail
from marketplace.accounts import passwords, services
from marketplace.accounts.models import Role, User
from marketplace.accounts.services import (
    end_other_web_sessions,
    hash_password,
    normalise_email,
    revoke_all_tokens,
)
from marketplace.accounts.throttle import PASSWORD_RESET
from marketplace.db import utcnow
from marketplace.errors import DomainError
from marketplace.extensions import db

VERIFY_SALT = "verify-email"
RESET_SALT = "password-reset"
VERIFY_MAX_AGE = timedelta(days=7)
RESET_MAX_AGE = timedelta(hours=1)


class InvalidLink(DomainError):
    """A verification or reset link that is wrong, used or expired: 400."""

    status_code = 400
    code = "invalid_token"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _hash_digest(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _language(user: User) -> str:
    return user.language if user.language in ("fr", "en") else "fr"


def register(email: str, password: str, role: Role, display_name: str) -> tuple[User, str]:
    """Sign up (`services.register`) and send the verification e-mail with it."""
    user, token = services.register(email, password, role, display_name, commit=False)
    queue_verification(user)
    db.session.commit()
    return user, token


# --- verification --------------------------------------------------------------


def queue_verification(user: User) -> None:
    """The e-mail with her verification link (after the current transaction commits)."""
    token = _serializer(VERIFY_SALT).dumps({"user": str(user.id), "email": user.email})
    _queue_link(user, "verify_email", "web.verify_email", token)


def _queue_link(user: User, template: str, endpoint: str, token: str) -> None:
    """An e-mail whose one action is a link carrying `token`, in her language."""
    mail.queue_email(
        user.email,
        template,
        language=_language(user),
        context={"name": user.display_name},
        action={"endpoint": endpoint, "values": {"token": token}},
    )


def resend_verification(user: User) -> bool:
    """Send the link again; False (nothing sent) when the address is already verified."""
    if user.email_verified_at is not None:
        return False
    PASSWORD_RESET.attempt(user.email)  # the same budget of e-mails per address and client
    queue_verification(user)
    db.session.commit()
    return True


def verify_email(token: str) -> User:
    try:
        data = _serializer(VERIFY_SALT).loads(token, max_age=int(VERIFY_MAX_AGE.total_seconds()))
    except SignatureExpired:
        raise InvalidLink(_("Ce lien de vérification a expiré : demandez-en un nouveau.")) from None
    except BadSignature:
        raise InvalidLink(_("Ce lien de vérification n'est pas valide.")) from None
    user_id = _uuid(data.get("user"))
    user = db.session.get(User, user_id) if user_id else None
    if user is None or user.email != data.get("email"):
        raise InvalidLink(_("Ce lien de vérification n'est pas valide."))
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        db.session.commit()
    return user


# --- password reset --------------------------------------------------------------


def request_reset(email: str) -> None:
    """Queue a reset link if the address has an account; the caller answers the same
    either way."""
    PASSWORD_RESET.attempt(email)
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_active:
        return
    token = _serializer(RESET_SALT).dumps({"user": str(user.id), "h": _hash_digest(user)})
    _queue_link(user, "password_reset", "web.reset_password", token)
    db.session.commit()


def user_for_reset(token: str) -> User:
    """The account a reset link is for, or InvalidLink (wrong, used or expired)."""
    try:
        data = _serializer(RESET_SALT).loads(token, max_age=int(RESET_MAX_AGE.total_seconds()))
    except SignatureExpired:
        raise InvalidLink(
            _("Ce lien a expiré (valable une heure) : demandez-en un nouveau.")
        ) from None
    except BadSignature:
        raise InvalidLink(_("Ce lien n'est pas valide ou a déjà servi.")) from None
    user_id = _uuid(data.get("user"))
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.is_active or data.get("h") != _hash_digest(user):
        raise InvalidLink(_("Ce lien n'est pas valide ou a déjà servi."))
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set the new password from a reset link; every session and token of the account ends.
    The link also proves she reads the mailbox: the address counts as verified."""
    user = user_for_reset(token)
    passwords.check_password_policy(new_password, email=user.email, display_name=user.display_name)
    user.password_hash = hash_password(new_password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    end_other_web_sessions(user.id)
    revoke_all_tokens(user.id)
    db.session.commit()
    return user


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
