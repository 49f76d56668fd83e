"""Throttling of the doors to an account: sign-in, sign-up, password reset, address change.

Each `Throttle` has two limits, counted in a moving window by Flask-Limiter's storage and
strategy (the `limits` package): one per account (the e-mail submitted, normalised and
hashed so no address sits in Redis) and one per client address. `check()` refuses with
`TooManyAttempts` (429, `Retry-After`) once either is used up; `hit()` records one attempt.

- Sign-in counts FAILURES only (`check()` before the password is verified, `hit()` when
  it was wrong): 5 per account and 20 per address in 15 minutes. Someone who types her
  password right is never counted; an attacker trying passwords for one account gets five
  tries per quarter hour, from however many addresses, and one address trying many
  accounts gets twenty. While an account is locked even its right password is refused
  (otherwise the lock would tell the attacker when a guess is right).
- Sign-up counts every attempt (`attempt()`): 10 per address in an hour, 3 per e-mail.
- `PASSWORD_RESET`: reset requests and verification e-mails sent again (every request
  counts): 3 per address and 10 per client in an hour.
- `EMAIL_CHANGE`: requests to change the account's address (every request counts, right
  password or not): 5 per account and 10 per client in an hour. Each one sends two
  e-mails and may tell whether an address has an account.

Storage: `RATELIMIT_STORAGE_URL` (e.g. `redis://127.0.0.1:6379/1`, shared by every worker
process), in-process memory by default. `RATELIMIT_ENABLED=false` turns it all off. When
the storage cannot be reached the attempt goes through and a warning is logged: Redis
being down must not lock every user out.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from flask import (
    Flask,
    current_app,
    has_request_context,
    jsonify,
    render_template,
    request,
)
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from limits import RateLimitItem, parse

from marketplace.errors import DomainError
from marketplace.http import error_payload, is_api_request

log = logging.getLogger(__name__)

_EXTENSION = "marketplace.throttle"
_PREFIX = "marketplace"  # our keys in a Redis shared with other programs


class TooManyAttempts(DomainError):
    status_code = 429
    code = "too_many_attempts"
    default_message = _l("Trop de tentatives. Réessayez dans quelques minutes.")

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        self.retry_after = max(1, retry_after)
        super().__init__(message)


def init_app(app: Flask) -> None:
    """One limiter per app (its storage lives on the instance), no limit of its own on any
    route: the throttles below decide where they count."""
    limiter = Limiter(
        key_func=lambda: request.remote_addr or "unknown",
        app=app,
        storage_uri=app.config.get("RATELIMIT_STORAGE_URI") or "memory://",
        strategy="moving-window",
        default_limits=[],
    )
    app.extensions[_EXTENSION] = limiter
    app.register_error_handler(TooManyAttempts, handle_too_many_attempts)


def handle_too_many_attempts(error: TooManyAttempts) -> ResponseReturnValue:
    """The API's error JSON, or a French error page; both 429 with Retry-After. (The
    sign-in and sign-up pages catch it themselves to show the form again.)"""

    headers = {"Retry-After": str(error.retry_after)}
    if is_api_request():
        response = jsonify(error_payload(429, "Too Many Requests", error.message, error.code))
        response.status_code = 429
        response.headers.update(headers)
        return response
    page = render_template("errors/error.html", status=429, message=error.message)
    return page, 429, headers


def _digest(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Throttle:
    name: str
    per_account: str  # a `limits` rate: "5/15 minutes"
    per_address: str

    def _limits(self, account: str | None) -> list[tuple[RateLimitItem, str]]:
        # Identifiers become keys such as LIMITS:LIMITER/marketplace/sign-in/account:<digest>.
        found: list[tuple[RateLimitItem, str]] = []
        if account:
            found.append((parse(self.per_account), "account:" + _digest(account)))
        if has_request_context():
            found.append((parse(self.per_address), "address:" + (request.remote_addr or "-")))
        return found

    def _limiter(self) -> Limiter | None:
        if not has_request_context():
            return None  # commands (create-admin) are not throttled
        limiter: Limiter | None = current_app.extensions.get(_EXTENSION)
        if limiter is None or not limiter.enabled:
            return None
        return limiter

    def check(self, account: str | None) -> None:
        """429 when the account or the address has used up its attempts."""
        limiter = self._limiter()
        if limiter is None:
            return
        try:
            waits = [
                limiter.limiter.get_window_stats(item, _PREFIX, self.name, key).reset_time
                - time.time()
                for item, key in self._limits(account)
                if not limiter.limiter.test(item, _PREFIX, self.name, key)
            ]
        except Exception:
            log.warning(
                "throttle %s: storage unreachable, attempt allowed", self.name, exc_info=True
            )
            return
        if waits:
            log.info("throttle %s: refused (%s)", self.name, request.remote_addr)
            raise TooManyAttempts(math.ceil(max(waits)))

    def hit(self, account: str | None) -> None:
        """Count one attempt against the account and the address."""
        limiter = self._limiter()
        if limiter is None:
            return
        try:
            for item, key in self._limits(account):
                limiter.limiter.hit(item, _PREFIX, self.name, key)
        except Exception:
            log.warning("throttle %s: storage unreachable, not counted", self.name, exc_info=True)

    def attempt(self, account: str | None) -> None:
        """`check` then `hit`: for doors where every attempt counts."""
        self.check(account)
        self.hit(account)


SIGN_IN = Throttle("sign-in", per_account="5/15 minutes", per_address="20/15 minutes")
SIGN_UP = Throttle("sign-up", per_account="3/hour", per_address="10/hour")
PASSWORD_RESET = Throttle("password-reset", per_account="3/hour", per_address="10/hour")
EMAIL_CHANGE = Throttle("email-change", per_account="5/hour", per_address="10/hour")
