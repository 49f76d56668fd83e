"""Accounts that can be recovered: e-mail verification, password reset by e-mail, and a
change of address verified the same way.

Every link carries a token signed with SECRET_KEY (itsdangerous), valid for a limited time
(verification: 7 days, address change: 24 hours, reset: 1 hour) and bound to what it acts
on, so it works once:
- a verification token names the address; once verified (or once the address changed)
  the same link changes nothing more;
- a reset token carries a digest of the current password hash and address (`_binding`):
  setting the new password changes the hash, so the used link (and any older one) is
  refused, and so is a link sent to an address the account no longer has;
- an address-change token is a verification token for the new address that also carries
  that digest: following it makes the change, after which the account's address differs
  and the link is refused; a new password, or a newer request, kills it too.
Asking for a reset answers the same whether the address exists (202), costs the same
Argon2-free work, and is throttled per address and per client (`throttle.PASSWORD_RESET`).
Asking for a change needs the password (a stolen session is not enough), is throttled
(`throttle.EMAIL_CHANGE`), and tells the old address. A reset, and a change of address,
end the account's other web sessions and API tokens.
The e-mails are queued in the same transaction (`mail.queue_email`): sent after commit.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from marketplace import mail
from marketplace.accounts import passwords, services
from marketplace.accounts.models import Role, User
from marketplace.accounts.services import (
    end_other_web_sessions,
    hash_password,
    normalise_email,
    revoke_all_tokens,
)
from marketplace.accounts.throttle import EMAIL_CHANGE, PASSWORD_RESET, SIGN_IN
from marketplace.db import utcnow
from marketplace.errors import Conflict, DomainError, FieldErrors
from marketplace.extensions import db

VERIFY_SALT = "verify-email"
RESET_SALT = "password-reset"
VERIFY_MAX_AGE = timedelta(days=7)
RESET_MAX_AGE = timedelta(hours=1)
EMAIL_CHANGE_MAX_AGE = timedelta(hours=24)


class InvalidLink(DomainError):
    """A verification or reset link that is wrong, used or expired: 400."""

    status_code = 400
    code = "invalid_token"


class EmailTaken(Conflict):
    """The new address became another account's between the request and its link (409)."""

    code = "email_taken"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _binding(user: User) -> str:
    """What reset and address-change links are bound to: the password hash and the address
    (a new password or a new address makes every such link sent before worthless)."""
    return hashlib.sha256(f"{user.password_hash}\0{user.email}".encode()).hexdigest()[:16]


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


def _queue_link(
    user: User, template: str, endpoint: str, token: str, *, to: str | None = None
) -> None:
    """An e-mail whose one action is a link carrying `token`, in her language (to her
    address, or to `to`)."""
    mail.queue_email(
        to or user.email,
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


def verify_email(token: str, *, changes: bool = False, keep_token: str | None = None) -> User:
    """Follow a verification link: the sign-up's (the address is verified) or, with
    `changes`, also an address change's (`confirm_email_change`; `keep_token` is for it).
    The web page of the sign-up link does not take a change's: that one asks first."""
    user, data = _read_verification(token)
    if "h" in data:
        if not changes:
            raise InvalidLink(_("Ce lien de vérification n'est pas valide."))
        return confirm_email_change(token, keep_token=keep_token)
    if user.email != data.get("email"):
        raise InvalidLink(_("Ce lien de vérification n'est pas valide."))
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        db.session.commit()
    return user


def _read_verification(token: str) -> tuple[User, dict[str, Any]]:
    """The account a verification link is for and what it says, or InvalidLink."""
    try:
        data, signed_at = _serializer(VERIFY_SALT).loads(
            token, max_age=int(VERIFY_MAX_AGE.total_seconds()), return_timestamp=True
        )
    except SignatureExpired:
        raise InvalidLink(_("Ce lien de vérification a expiré : demandez-en un nouveau.")) from None
    except BadSignature:
        raise InvalidLink(_("Ce lien de vérification n'est pas valide.")) from None
    user_id = _uuid(data.get("user")) if isinstance(data, dict) else None
    user = db.session.get(User, user_id) if user_id else None
    if user is None:
        raise InvalidLink(_("Ce lien de vérification n'est pas valide."))
    if "h" in data and utcnow() - signed_at > EMAIL_CHANGE_MAX_AGE:
        raise InvalidLink(
            _("Ce lien a expiré (valable 24 heures) : demandez à nouveau le changement d'adresse.")
        )
    return user, data


# --- change of address -------------------------------------------------------------


def request_email_change(user: User, password: str, new_email: str) -> None:
    """Ask to sign in with `new_email` instead: it waits in `pending_email` until the link
    e-mailed to it is followed (`confirm_email_change`); the current address is told.

    A wrong password is a 422 naming `password` and counts as a failed sign-in, as for a
    password change. The new address must differ (422) and not be another account's (422
    naming `new_email`, the answer sign-up gives; here only after the right password, and
    within `EMAIL_CHANGE`'s budget, so it tells less than sign-up already does)."""
    EMAIL_CHANGE.attempt(user.email)
    SIGN_IN.check(user.email)
    if not passwords.verify_password(user.password_hash, password):
        SIGN_IN.hit(user.email)
        raise FieldErrors({"password": _("Mot de passe incorrect.")})
    new = normalise_email(new_email)
    if new == user.email:
        raise FieldErrors({"new_email": _("C'est déjà l'adresse de votre compte.")})
    if db.session.scalar(sa.select(User.id).where(User.email == new)) is not None:
        raise FieldErrors({"new_email": _("Un compte existe déjà avec cette adresse e-mail.")})
    user.pending_email = new
    token = _serializer(VERIFY_SALT).dumps(
        {"user": str(user.id), "email": new, "h": _binding(user)}
    )
    _queue_link(user, "email_change", "web.confirm_email_change", token, to=new)
    mail.queue_email(
        user.email,
        "email_change_notice",
        language=_language(user),
        context={"name": user.display_name, "new_email": _masked(new)},
        action={"endpoint": "web.forgot_password", "values": {}},
    )
    db.session.commit()


def _masked(email: str) -> str:
    """The new address as the notice to the old one shows it, `c•••@exemple.fr`: enough for
    her to recognise her own request, while the old mailbox may be someone else's by now
    (a former employer's)."""
    local, _sep, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def email_change_for(token: str) -> tuple[User, str]:
    """The account and the new address an address-change link is for, or InvalidLink
    (wrong, expired, already used, replaced by a newer request, or sent before a new
    password)."""
    user, data = _read_verification(token)
    new = data.get("email")
    if (
        "h" not in data
        or not user.is_active
        or data["h"] != _binding(user)
        or not isinstance(new, str)
        or user.pending_email != new
    ):
        raise InvalidLink(_("Ce lien n'est pas valide ou a déjà servi."))
    return user, new


def confirm_email_change(
    token: str, *, keep_web_session: uuid.UUID | None = None, keep_token: str | None = None
) -> User:
    """Follow the link sent to the new address: it becomes the account's address, verified
    (she has just proved she reads it), and every other web session and API token of the
    account ends. `keep_web_session`/`keep_token`: the session or token that followed the
    link stays signed in if it is hers (the filters are on her account, so passing a
    stranger's changes nothing)."""
    user, new = email_change_for(token)
    taken = db.session.scalar(sa.select(User.id).where(User.email == new, User.id != user.id))
    if taken is not None:
        raise EmailTaken(
            _("Cette adresse est désormais celle d'un autre compte : votre adresse ne change pas.")
        )
    user.email = new
    user.pending_email = None
    user.email_verified_at = utcnow()
    end_other_web_sessions(user.id, keep=keep_web_session)
    revoke_all_tokens(user.id, keep=keep_token)
    try:
        db.session.flush()
    except IntegrityError:  # taken at the same instant (the unique index decides)
        db.session.rollback()
        raise EmailTaken(
            _("Cette adresse est désormais celle d'un autre compte : votre adresse ne change pas.")
        ) from None
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
    token = _serializer(RESET_SALT).dumps({"user": str(user.id), "h": _binding(user)})
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
    if user is None or not user.is_active or data.get("h") != _binding(user):
        raise InvalidLink(_("Ce lien n'est pas valide ou a déjà servi."))
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set the new password from a reset link; every session and token of the account ends.
    The link also proves she reads the mailbox: the address counts as verified."""
    user = user_for_reset(token)
    passwords.check_password_policy(new_password, email=user.email, display_name=user.display_name)
    user.password_hash = hash_password(new_password)
    user.pending_email = None  # asked with the old password: its link is dead already
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
