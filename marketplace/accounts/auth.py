"""Who is calling: bearer tokens for the API, the session cookie for pages.

The API never reads the session cookie, so a page a user has open cannot be
abused to call the API on their behalf (no CSRF surface on /api).
"""

from __future__ import annotations

from flask import g, request
from flask_login import current_user

from marketplace.accounts.models import Role, User
from marketplace.accounts.services import user_for_token
from marketplace.errors import Forbidden, Unauthorized

_UNSET = object()


def optional_api_user() -> User | None:
    cached = g.get("api_user", _UNSET)
    if cached is not _UNSET:
        return cached
    header = request.headers.get("Authorization", "")
    scheme, _sep, raw = header.partition(" ")
    user = None
    if header:
        if scheme.lower() != "bearer" or not raw.strip():
            raise Unauthorized()
        user = user_for_token(raw.strip())
        if user is None:
            raise Unauthorized()
    g.api_user = user
    return user


def api_user(*roles: Role) -> User:
    """The authenticated API caller; 401 without valid token, 403 for a role that may never act."""
    user = optional_api_user()
    if user is None:
        raise Unauthorized()
    if roles and user.role not in roles:
        raise Forbidden()
    return user


def web_user(*roles: Role) -> User:
    """The signed-in page visitor; the web error handler turns 401 into the sign-in page."""
    if not current_user.is_authenticated:
        raise Unauthorized()
    user: User = current_user._get_current_object()
    if roles and user.role not in roles:
        raise Forbidden()
    return user


def optional_web_user() -> User | None:
    if current_user.is_authenticated:
        user: User = current_user._get_current_object()
        return user
    return None
