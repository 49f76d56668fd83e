"""Reading back what reached the real Mailpit (scripts/services/mailpit.sh) over its HTTP API."""

from __future__ import annotations

import json
import os
import re
import time
import urllib.parse
import urllib.request
from typing import Any

MAILPIT_URL = os.environ.get("MAILPIT_URL", "http://127.0.0.1:58025").rstrip("/")
SMTP_URL = os.environ.get("TEST_SMTP_URL", "smtp://127.0.0.1:51025")


def _get(path: str) -> Any:
    with urllib.request.urlopen(MAILPIT_URL + path, timeout=5) as response:  # noqa: S310
        return json.load(response)


def check_up() -> None:
    try:
        _get("/api/v1/info")
    except OSError as exc:
        raise AssertionError(
            f"Mailpit does not answer at {MAILPIT_URL} ({exc}): start scripts/services/mailpit.sh"
        ) from None


def messages_to(address: str) -> list[dict[str, Any]]:
    query = urllib.parse.quote(f'to:"{address}"')
    return list(_get(f"/api/v1/search?query={query}&limit=200")["messages"] or [])


def wait_for(address: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
    """The messages to `address` once there are at least `count` of them (or fail)."""
    deadline = time.monotonic() + timeout
    found: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        found = messages_to(address)
        if len(found) >= count:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{len(found)} message(s) to {address} after {timeout}s, wanted {count}")


def message(message_id: str) -> dict[str, Any]:
    return dict(_get(f"/api/v1/message/{message_id}"))


def headers(message_id: str) -> dict[str, list[str]]:
    return dict(_get(f"/api/v1/message/{message_id}/headers"))


def newest_link(address: str, count: int, prefix: str) -> tuple[str, dict[str, Any]]:
    """Once `count` messages reached `address`: the path of the `prefix` link in the newest
    one's text part, and that message (its `Subject`, `Text`, `HTML`)."""
    newest = message(wait_for(address, count)[0]["ID"])
    match = re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"\S*)", newest["Text"])
    assert match, f"no {prefix} link in the newest e-mail to {address}: {newest['Text']}"
    return match.group(1), newest
