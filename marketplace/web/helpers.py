"""Small tools every page uses: who is signed in, safe redirects, refused actions as flashes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import flash, request
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.accounts.auth import web_user
from marketplace.accounts.models import Role, User
from marketplace.errors import Conflict, FieldErrors, Unauthorized
from marketplace.extensions import db
from marketplace.payments.interfaces import PaymentError


def signed_in(*roles: Role) -> User:
    """The signed-in visitor (sign-in page otherwise; 403 for a role that may never do this)."""
    if not current_user.is_authenticated:
        raise Unauthorized(_("Connectez-vous pour accéder à cette page."))
    return web_user(*roles)


def is_local_path(target: str | None) -> bool:
    """Only paths on this site: "/missions?page=2", never "//evil.example" or "https://..."."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ch in target for ch in "\r\n\t\\"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def local_next(*candidates: str | None) -> str | None:
    for target in candidates:
        if is_local_path(target):
            return target
    return None


def referrer_path() -> str | None:
    """The page the visitor came from, if it is on this site."""
    ref = request.referrer
    if not ref:
        return None
    parts = urlsplit(ref)
    if parts.netloc and parts.netloc != request.host:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if is_local_path(path) else None


@contextmanager
def refused_as_flash() -> Iterator[None]:
    """An action the current state does not allow (409) becomes a message on the next page."""
    try:
        yield
    except Conflict as exc:
        flash(exc.message, "error")
    except PaymentError as exc:
        flash(_("Le paiement n'a pas abouti : %(reason)s. Réessayez.", reason=str(exc)), "error")


def refusal_text(refused: Conflict | FieldErrors) -> str:
    """What a page says about a refused action: the conflict's message, or every field
    error's messages (a form that keeps what was typed shows them above it)."""
    if isinstance(refused, FieldErrors):
        return " ".join(m for messages in refused.errors.values() for m in messages)
    return refused.message


def first_rows(query: sa.Select[Any], limit: int) -> list[Any]:
    """The first `limit` objects a service's query selects (dashboards show the latest)."""
    return list(db.session.scalars(query.limit(limit)))
