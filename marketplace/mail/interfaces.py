"""What the rest of the code may ask of outgoing mail: an `Email` value and a `Mailer`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol


@dataclass(frozen=True)
class Email:
    """One message to one person, both parts already rendered in her language."""

    to: str
    subject: str
    text: str
    html: str
    language: str = "fr"
    # Extra headers, e.g. List-Unsubscribe; the mailer refuses line breaks in any header.
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


class Mailer(Protocol):
    """Delivers an e-mail or raises (the job that called it retries later)."""

    def send(self, email: Email) -> None: ...
