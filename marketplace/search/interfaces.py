"""What the rest of the code may ask of search: a `SearchBackend`, chosen at start-up.

`ELASTICSEARCH_URL` set: `elastic.ElasticBackend`; unset: `embedded.EmbeddedBackend`, which
ranks inside the database with the same formula (`ranking.py`). Views and services call
`marketplace.search.services`, which asks `marketplace.search.backend()` for this; nothing
outside `marketplace/search/elastic.py` imports the Elasticsearch client.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from sqlalchemy.orm import Session

from marketplace.search.ranking import MissionCriteria, SecretaryCriteria

Entity = Literal["secretary", "mission"]
ENTITIES: tuple[Entity, ...] = ("secretary", "mission")


@dataclass(frozen=True)
class Hit:
    """One ranked document: its id, its score and the document itself (see documents.py)."""

    id: str
    score: float
    doc: dict[str, Any]


@dataclass(frozen=True)
class HitPage:
    total: int
    hits: list[Hit] = field(default_factory=list)


@dataclass(frozen=True)
class ReindexReport:
    index: str
    documents: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else float(self.documents)


class SearchUnavailable(Exception):
    """The search backend cannot answer now (Elasticsearch down or misconfigured)."""


class SearchBackend(Protocol):
    name: str
    # Whether changes must go through the outbox (an external index to keep up to date).
    tracks_changes: bool

    def search_secretaries(
        self, criteria: SecretaryCriteria, offset: int, limit: int
    ) -> HitPage: ...

    def search_missions(self, criteria: MissionCriteria, offset: int, limit: int) -> HitPage: ...

    def apply(
        self, session: Session, changes: Sequence[tuple[Entity, str]], *, wait: bool = False
    ) -> None:
        """Bring these entities up to date in the index from the database (raise on failure).

        With `wait`, return only once the changes are visible to search (a refresh).
        """
        ...

    def reindex(self, session: Session) -> list[ReindexReport]:
        """Rebuild every index from the database without a moment where search is empty."""
        ...

    def healthy(self) -> bool: ...
