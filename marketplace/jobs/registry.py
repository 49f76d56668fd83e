"""Which function runs each kind of job: one handler per kind, registered at import."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[[dict[str, Any]], None]
_handlers: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that runs jobs of this kind (one per kind)."""

    def register(fn: Handler) -> Handler:
        existing = _handlers.get(kind)
        if existing is not None and existing is not fn:
            raise ValueError(f"a handler for job kind {kind!r} is already registered")
        _handlers[kind] = fn
        return fn

    return register


def handler_for(kind: str) -> Handler | None:
    return _handlers.get(kind)
