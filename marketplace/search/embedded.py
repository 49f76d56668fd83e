"""The embedded backend: ranks inside the database, with no cluster to run.

For a small install (one agency, a few hundred or thousand secretaries). SQL narrows the
candidates with the cheap, exact-or-looser filters (specialty, rate, remote, a bounding box
for a radius); the documents are then built with the same code as the Elasticsearch
documents and ranked in Python by the same `Plan` (`plan.rank`): same filters, same score.
Rating and completed-contract figures are read live, so nothing needs indexing and there is
no outbox to drain.
"""

from __future__ import annotations

import contextlib
import gc
import math
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.missions.models import Mission
from marketplace.profiles.models import SecretaryProfile
from marketplace.search import documents, embeddings, hybrid, ranking
from marketplace.search.interfaces import Entity, Hit, HitPage, ReindexReport
from marketplace.search.plan import Origin, Plan, rank


class _LRU:
    """A small thread-safe LRU for derived text (keyed by id and updated_at)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.data: OrderedDict[Any, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self.lock:
            value = self.data.get(key)
            if value is not None:
                self.data.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> None:
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)


def _atomic(doc: dict[str, Any]) -> dict[str, Any]:
    """The cached form of a document: tuples and dicts of plain values only.

    The garbage collector stops tracking such containers, so thousands of cached documents
    cost nothing at each collection (with lists and sets they doubled the time of a search).
    Term sets become dicts (same `in`), lists become tuples.
    """
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if key in ("title_terms", "text_terms"):
            value = dict.fromkeys(value.split() if isinstance(value, str) else value)
        elif isinstance(value, list):
            value = tuple(value)
        out[key] = value
    return out


def _bbox(column_lat: Any, column_lon: Any, origin: Origin, km: float) -> list[Any]:
    dlat = km / 110.0 + 0.01
    dlon = (
        km / (110.0 * max(0.05, math.cos(math.radians(min(89.0, abs(origin.lat) + dlat))))) + 0.01
    )
    return [
        column_lat.between(origin.lat - dlat, origin.lat + dlat),
        column_lon.between(origin.lon - dlon, origin.lon + dlon),
    ]


_gc_lock = threading.Lock()
_gc_holders = 0


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a search builds and ranks its documents.

    A search allocates thousands of short-lived, acyclic dicts (freed by reference counting
    anyway); with the collector on they are promoted to old generations while still alive
    and trigger full collections of the whole heap, which cost more than the ranking.
    """
    global _gc_holders
    with _gc_lock:
        _gc_holders += 1
        if _gc_holders == 1:
            gc.disable()
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holders -= 1
            if _gc_holders == 0:
                gc.enable()


def _key(row: Any) -> tuple[str, Any]:
    return (str(row.user_id), row.updated_at)


class EmbeddedBackend:
    name = "embedded"
    tracks_changes = False

    def __init__(self) -> None:
        self._secretary_docs = _LRU(200_000)
        self._mission_docs = _LRU(50_000)
        self._warm = False

    # ------------------------------------------------------------------ secretaries
    def _secretary_prefilter(self, c: ranking.SecretaryCriteria) -> list[Any]:
        where: list[Any] = []
        postgres = db.engine.dialect.name == "postgresql"
        if c.specialty and c.strict_specialty and postgres:
            where.append(
                sa.type_coerce(SecretaryProfile.specialties, JSONB).contains([c.specialty])
            )
        if c.required_skills and postgres:
            where.append(
                sa.type_coerce(SecretaryProfile.skills, JSONB).contains(list(c.required_skills))
            )
        if c.max_rate_cents is not None:
            where.append(SecretaryProfile.hourly_rate_cents <= c.max_rate_cents)
        if c.remote_only:
            where.append(SecretaryProfile.remote.is_(True))
        if c.origin is not None and c.radius_km is not None:
            where.extend(_bbox(SecretaryProfile.lat, SecretaryProfile.lon, c.origin, c.radius_km))
        if c.origin is not None and c.onsite:
            where.append(SecretaryProfile.onsite_radius_km > 0)
        if c.available_on is not None:
            where.append(
                sa.or_(
                    SecretaryProfile.available_from.is_(None),
                    SecretaryProfile.available_from <= c.available_on,
                )
            )
        if c.exclude_ids:
            where.append(SecretaryProfile.user_id.not_in([uuid.UUID(i) for i in c.exclude_ids]))
        return where

    def _warm_up(self) -> None:
        """Build every static document once per process (a second for 10 000 profiles),
        rather than a slice with each of the first requests."""
        rows = db.session.execute(
            sa.select(SecretaryProfile.user_id, SecretaryProfile.updated_at)
            .join(User, User.id == SecretaryProfile.user_id)
            .where(User.is_suspended.is_(False))
            .limit(self._secretary_docs.size)
        ).all()
        self._static_docs(rows)
        self._warm = True

    def _static_docs(self, rows: Sequence[Any]) -> list[dict[str, Any]]:
        """The cached static document of each row, building the missing ones in one query."""
        docs: list[Any] = [self._secretary_docs.get(_key(r)) for r in rows]
        missing = [r.user_id for r, d in zip(rows, docs, strict=True) if d is None]
        built: dict[uuid.UUID, dict[str, Any]] = {}
        for start in range(0, len(missing), 5_000):
            chunk = missing[start : start + 5_000]
            query = sa.select(*documents.SECRETARY_COLUMNS, *documents.TEXT_COLUMNS).join(
                User, User.id == SecretaryProfile.user_id
            )
            rows_of_chunk = db.session.execute(
                query.where(SecretaryProfile.user_id.in_(chunk))
            ).all()
            vectors = documents.meaning_vectors(rows_of_chunk)
            for row, vector in zip(rows_of_chunk, vectors, strict=True):
                doc = _atomic(documents.static_secretary_doc(row))
                if vector is not None:
                    doc["meaning_bytes"] = vector.tobytes()
                self._secretary_docs.put(_key(row), doc)
                built[row.user_id] = doc
        return [d if d is not None else built[r.user_id] for r, d in zip(rows, docs, strict=True)]

    def search_secretaries(
        self, criteria: ranking.SecretaryCriteria, offset: int, limit: int
    ) -> HitPage:
        with _no_cyclic_gc():
            if not self._warm:
                self._warm_up()
            plan = ranking.secretary_plan(criteria)
            columns = (SecretaryProfile.user_id, SecretaryProfile.updated_at)
            query = documents.secretary_select(columns=columns).where(
                *self._secretary_prefilter(criteria)
            )
            rows = db.session.execute(query).all()
            static = self._static_docs(rows)
            docs = [
                documents.with_stats(
                    dict(doc),
                    int(r.rating_count),
                    float(r.rating_total),
                    int(r.completed_contracts),
                )
                for r, doc in zip(rows, static, strict=True)
            ]
            if plan.meaning is None:
                ranked = rank(plan, docs)
                total, page = len(ranked), ranked[offset : offset + limit]
            else:
                ranked = hybrid.first_pass(plan, docs)
                total, page = len(ranked), hybrid.page(plan, ranked, offset, limit)
            del rows, static, docs, ranked  # freed here, while the collector still sleeps
        shown = self._cards([uuid.UUID(d["id"]) for _s, d in page])
        hits = [Hit(d["id"], score, {**d, **shown[d["id"]]}) for score, d in page]
        return HitPage(total=total, hits=hits)

    def _cards(self, ids: list[uuid.UUID]) -> dict[str, dict[str, Any]]:
        """Each one's card and badge facts, read now (as they would be indexed)."""
        if not ids:
            return {}
        rows = db.session.execute(documents.secretary_select(ids)).all()
        return {
            str(r.user_id): {
                "card": documents.secretary_card(r, r.headline, r.bio),
                "badge_facts": documents.badge_facts(r),
            }
            for r in rows
        }

    # ------------------------------------------------------------------ missions
    def _mission_prefilter(self, c: ranking.MissionCriteria) -> list[Any]:
        where: list[Any] = []
        if c.specialty:
            where.append(Mission.specialty == c.specialty)
        if c.origin is not None and c.radius_km is not None:
            where.extend(_bbox(Mission.lat, Mission.lon, c.origin, c.radius_km))
        if c.home is not None and not c.works_remotely:
            where.extend(_bbox(Mission.lat, Mission.lon, c.home, c.home_radius_km))
        if c.exclude_ids:
            where.append(Mission.id.not_in([uuid.UUID(i) for i in c.exclude_ids]))
        return where

    def search_missions(
        self, criteria: ranking.MissionCriteria, offset: int, limit: int
    ) -> HitPage:
        plan: Plan = ranking.mission_plan(criteria)
        query = documents.mission_select().add_columns(Mission.updated_at)
        query = query.where(*self._mission_prefilter(criteria))
        docs: list[dict[str, Any]] = []
        with _no_cyclic_gc():
            ranked = self._rank_missions(plan, query, docs)
            if plan.meaning is not None:
                shown = hybrid.page(plan, ranked, offset, limit)
            else:
                shown = ranked[offset : offset + limit]
        return HitPage(total=len(ranked), hits=[Hit(d["id"], s, dict(d)) for s, d in shown])

    def _rank_missions(
        self, plan: Plan, query: Any, docs: list[dict[str, Any]]
    ) -> list[tuple[float, Any]]:
        """Every admitted mission, best first: the cached documents, the missing ones built
        (with their vectors, in one batch) and cached by `updated_at`."""
        rows = db.session.execute(query).all()
        cached = [self._mission_docs.get((str(r.id), r.updated_at)) for r in rows]
        missing = [r for r, d in zip(rows, cached, strict=True) if d is None]
        built: dict[Any, dict[str, Any]] = {}
        for row, vector in zip(missing, documents.mission_vectors(missing), strict=True):
            doc = _atomic(documents.mission_doc(row))
            if vector is not None:
                doc["meaning_bytes"] = vector.tobytes()
            self._mission_docs.put((str(row.id), row.updated_at), doc)
            built[row.id] = doc
        docs.extend(d if d is not None else built[r.id] for r, d in zip(rows, cached, strict=True))
        if plan.meaning is None:
            return rank(plan, docs)
        return hybrid.first_pass(plan, docs)

    # ------------------------------------------------------------------ maintenance
    def apply(
        self, session: Session, changes: Sequence[tuple[Entity, str]], *, wait: bool = False
    ) -> None:
        """Nothing to do: the database is the index."""

    def reindex(self, session: Session) -> list[ReindexReport]:
        """Forget the cached documents; compute the sentence embedding of every profile
        whose text has none yet (`search_embeddings`), so no search has to wait for it."""
        self._secretary_docs = _LRU(self._secretary_docs.size)
        self._mission_docs = _LRU(self._mission_docs.size)
        self._warm = False
        if not embeddings.enabled():
            return []
        started = time.perf_counter()
        count = 0
        result = session.execute(
            sa.select(SecretaryProfile.headline, SecretaryProfile.bio).execution_options(
                yield_per=2_000, stream_results=True
            )
        )
        for rows in result.partitions(2_000):
            documents.meaning_vectors(rows)
            count += len(rows)
        return [ReindexReport("search_embeddings", count, time.perf_counter() - started)]

    def healthy(self) -> bool:
        return True
