"""Passwords: Argon2id hashing with bounded concurrency, and the rules a new password meets.

Hashing. Argon2id is deliberately expensive (about 120 ms of one core and 64 MiB with the
library's defaults). Eight wrong passwords sent at once would otherwise occupy every worker
thread and both cores for seconds, and every other request, pages and API alike, would
wait behind them. `_HASH_SLOTS` lets at most one hash or verification per core run at a
time in this process; the others queue on the semaphore, asleep, so the CPU stays free for
the rest of the traffic and the cost of a flood of sign-ins is paid by the sign-ins alone.
(Each gunicorn worker process has its own semaphore: size the workers to the machine.)

Unknown addresses. A sign-in for an e-mail that has no account is verified against a
dummy hash made once per process and Argon2 parameter set (at the first unknown address;
the same parameters as real hashes), so it costs exactly one verification, like a known
address with a wrong password: the answer time does not tell whether an account exists.

Rules. At least 10 characters; not one of the 30,000 most common passwords; not the
e-mail's local part or the display name, nor containing them. The common-password list is
the `passwords` frequency list shipped inside the `zxcvbn` package (the maintained Python
port of Dropbox's zxcvbn, MIT licence, offline: no network call at sign-up). It was chosen
over a raw SecLists/NCSC copy because it comes from PyPI pinned like any dependency (no
data file of our own to refresh) and over the zxcvbn score itself because a plain "is
this password in the list" is predictable for people and easy to explain in one message.
"""

from __future__ import annotations

import functools
import os
import re
import secrets
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

from marketplace.errors import FieldErrors

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
# Parts of a name or address shorter than this are too common to refuse inside a password
# ("li", "de"), but a password equal to them is refused all the same.
_MIN_PART = 3

_HASH_SLOTS = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


@contextmanager
def _hash_slot() -> Iterator[None]:
    with _HASH_SLOTS:
        yield


def _params() -> dict[str, Any]:
    # Argon2id (memory-hard). Tests lower the cost through ARGON2_PARAMS; production keeps
    # the library's defaults (64 MiB, 3 passes).
    return dict(current_app.config.get("ARGON2_PARAMS") or {})


def hasher() -> PasswordHasher:
    return PasswordHasher(**_params())


def hash_password(password: str) -> str:
    ph = hasher()
    with _hash_slot():
        return ph.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    ph = hasher()
    with _hash_slot():
        try:
            return ph.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


@functools.cache
def _dummy_hash_for(params: tuple[tuple[str, Any], ...]) -> str:
    ph = PasswordHasher(**dict(params))
    with _hash_slot():
        return ph.hash(secrets.token_urlsafe(16))


def dummy_hash() -> str:
    """A hash of a random password, made once per parameter set (see the module docstring)."""
    return _dummy_hash_for(tuple(sorted(_params().items())))


def verify_dummy(password: str) -> None:
    """Spend the time of one verification, for an e-mail that has no account."""
    verify_password(dummy_hash(), password)


# ----------------------------------------------------------------------------- rules


@functools.cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def _fold(text: str) -> str:
    """Lower case, accents and everything but letters and digits removed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[^0-9a-z]", "", decomposed.encode("ascii", "ignore").decode())


def _personal_parts(email: str | None, display_name: str | None) -> Iterator[str]:
    if email:
        local = email.partition("@")[0]
        yield _fold(local)
        yield from (_fold(p) for p in re.split(r"[._+\-]", local))
    if display_name:
        yield _fold(display_name)
        yield from (_fold(p) for p in display_name.split())


def password_problem(
    password: str, *, email: str | None = None, display_name: str | None = None
) -> str | None:
    """Why this password is refused, in French, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Au moins %(n)d caractères.", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("256 caractères au plus.")
    lowered = password.casefold()
    folded = _fold(password)
    common = _common_passwords()
    if lowered in common or folded in common:
        return _("Ce mot de passe est trop courant : choisissez-en un autre.")
    for part in _personal_parts(email, display_name):
        if part and (folded == part or (len(part) >= _MIN_PART and part in folded)):
            return _("Le mot de passe ne doit pas contenir votre nom ni votre adresse e-mail.")
    return None


def check_password_policy(
    password: str,
    *,
    email: str | None = None,
    display_name: str | None = None,
    field: str = "password",
) -> None:
    """422 naming `field` when the password breaks a rule."""
    problem = password_problem(password, email=email, display_name=display_name)
    if problem is not None:
        raise FieldErrors({field: problem})
