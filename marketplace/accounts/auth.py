"""Who is calling: bearer tokens for the API, the session cookie for pages.

The API never reads the session cookie, so a page a user has open cannot be
abused to call the API on their behalf (no CSRF surface on /api).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g, request
from flask_login import current_user

from marketplace.accounts.models import Role, User
from marketplace.accounts.services import TOKEN_PREFIX, token_params, user_for_token
from marketplace.errors import Forbidden, Unauthorized
from marketplace.extensions import db

_UNSET = object()


def _bearer_token() -> str | None:
    """The token of the Authorization header; None without the header, 401 if malformed."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _sep, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise Unauthorized()
    return raw.strip()


def optional_api_user() -> User | None:
    cached = g.get("api_user", _UNSET)
    if cached is not _UNSET:
        return cached
    raw = _bearer_token()
    user = None
    if raw is not None:
        user = user_for_token(raw)
        if user is None:
            raise Unauthorized()
    g.api_user = user
    return user


def api_user_with(statement: sa.Select[*tuple[Any, ...]], **params: Any) -> tuple[Any, ...]:
    """`api_user()` and more in the same SQL query (one round trip where a view needs both).

    `statement` is `token_user_select()` with columns added (outer joins, so the row exists
    whenever the token is valid); `params` fill its other bound parameters. Returns the row's
    values, the user first. 401 as `api_user()` answers it.
    """
    raw = _bearer_token()
    row = None
    if raw is not None and raw.startswith(TOKEN_PREFIX):
        row = db.session.execute(statement, {**params, **token_params(raw)}).first()
    if row is None:
        if raw is None:
            g.api_user = None  # as optional_api_user() would remember it
        raise Unauthorized()
    g.api_user = row[0]
    return tuple(row)


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
