"""The Elasticsearch backend: versioned indices behind aliases, the ranking as function_score.

Two aliases, `<prefix>-secretaries` and `<prefix>-missions`, each pointing at one versioned
index (`<alias>-v<UTC timestamp>`). Documents are written through the alias
(`require_alias`, so a missing alias never auto-creates an index with a guessed mapping); a
full reindex fills a new index, then moves the alias in one atomic `_aliases` call and
deletes the old index, so search never sees an empty or half-built index.

The mappings only use what the minimal distribution has (see docs/elasticsearch.md): the
text fields hold terms already folded and stemmed by `text.py`, analysed by the standard
tokenizer, `lowercase` and the `_french_` stop list; ranking is a `function_score` with
filters, weights, gauss decays and `field_value_factor` (no scripts).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError, helpers
from elasticsearch.serializer import OrjsonSerializer
from flask import Flask, current_app
from sqlalchemy.orm import Session

from marketplace.extensions import db
from marketplace.search import documents, embeddings, hybrid
from marketplace.search.http import SearchHTTP
from marketplace.search.interfaces import Entity, Hit, HitPage, ReindexReport, SearchUnavailable
from marketplace.search.plan import Json, Plan
from marketplace.search.ranking import (
    MissionCriteria,
    SecretaryCriteria,
    mission_plan,
    secretary_plan,
)

log = logging.getLogger(__name__)

MAX_WINDOW = 10_000  # Elasticsearch's default index.max_result_window

ANALYSIS = {
    "filter": {"french_stop": {"type": "stop", "stopwords": "_french_"}},
    "analyzer": {
        # Input is already folded, elided and stemmed by marketplace.search.text.
        "folded": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "french_stop"],
        }
    },
}

_TEXT = {"type": "text", "analyzer": "folded", "norms": False, "index_options": "docs"}
_KEYWORD = {"type": "keyword"}
_INT = {"type": "integer"}
_DOUBLE = {"type": "double"}
_BOOL = {"type": "boolean"}

SECRETARY_MAPPING: Json = {
    "dynamic": "strict",
    "_source": {"excludes": ["onsite_postal_codes"]},
    "properties": {
        "id": _KEYWORD,
        "specialties": _KEYWORD,
        "skills": _KEYWORD,
        "languages": _KEYWORD,
        "weekdays": _KEYWORD,
        "slots": {"type": "object", "enabled": False},
        "slot_cells": _KEYWORD,
        "location": {"type": "geo_point"},
        "postal_code": _KEYWORD,
        "department_code": _KEYWORD,
        "hourly_rate_cents": _INT,
        "urgent_rate_cents": _INT,
        "evening_rate_cents": _INT,
        "weekend_rate_cents": _INT,
        "surcharge_percent": _INT,
        "remote": _BOOL,
        "onsite_radius_km": _INT,
        "onsite_postal_codes": {"type": "keyword", "doc_values": False},
        "available_from": {"type": "date", "format": "strict_date", "null_value": "1970-01-01"},
        "hours_per_week": _INT,
        "rating_avg": _DOUBLE,
        "rating_count": _INT,
        "completed_contracts": _INT,
        "rating_score": _DOUBLE,
        "experience_score": _DOUBLE,
        "title_terms": _TEXT,
        "text_terms": _TEXT,
        "updated_at": {"type": "date"},
        "card": {"type": "object", "enabled": False},
        "badge_facts": {"type": "object", "enabled": False},
    },
}

MISSION_MAPPING: Json = {
    "dynamic": "strict",
    "properties": {
        "id": _KEYWORD,
        "business_id": _KEYWORD,
        "specialty": _KEYWORD,
        "skills": _KEYWORD,
        "skills_count": _INT,
        "days": _KEYWORD,
        "days_count": _INT,
        "schedule": _KEYWORD,
        "slots": {"type": "object", "enabled": False},
        "location": {"type": "geo_point"},
        "postal_code": _KEYWORD,
        "department_code": _KEYWORD,
        "remote_ok": _BOOL,
        "urgent": _BOOL,
        "confidential": _BOOL,
        "budget_cents": _INT,
        "budget_rate_cents": _INT,
        "start_date": {"type": "date", "format": "strict_date"},
        "end_date": {"type": "date", "format": "strict_date"},
        "created_at": {"type": "date"},
        "title_terms": _TEXT,
        "text_terms": _TEXT,
    },
}


def _with_meaning(mapping: Json) -> Json:
    """A mapping with the sentence embedding, when embeddings are on: the
    byte vector for kNN (cosine, HNSW graph) and the same bytes in base64 (a `binary`
    field: neither indexed nor in doc values) for the re-ranking in Python (hybrid.py)."""
    if not embeddings.enabled():
        return mapping
    properties = {
        **mapping["properties"],
        "meaning": {
            "type": "dense_vector",
            "dims": embeddings.dims(),
            "element_type": "byte",
            "similarity": "cosine",
            "index": True,
            "index_options": {"type": "hnsw"},
        },
        "meaning_bytes": {"type": "binary"},
    }
    return {**mapping, "properties": properties}


def mapping_for(entity: Entity) -> Json:
    return _with_meaning(KINDS[entity][1])


KINDS: dict[Entity, tuple[str, Json]] = {
    "secretary": ("secretaries", SECRETARY_MAPPING),
    "mission": ("missions", MISSION_MAPPING),
}


TERM_FIELDS = ("title_terms", "text_terms")


class IndexingError(Exception):
    pass


def _doc(source: Json) -> Json:
    """A hit's document, its term fields split once into sets (as the embedded backend caches
    them): the score parts and the reasons then look terms up without splitting each time."""
    for key in TERM_FIELDS:
        value = source.get(key)
        if isinstance(value, str):
            source[key] = frozenset(value.split())
    return source


def _sort() -> list[Json]:
    return [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}]


class ElasticBackend:
    name = "elasticsearch"
    tracks_changes = True

    def __init__(self, url: str, prefix: str, *, timeout: float = 10.0):
        self.url = url
        self.prefix = prefix
        self.timeout = timeout
        self._client: Elasticsearch | None = None
        self._pid = 0
        self._lock = threading.Lock()
        self._aliases_checked = False
        self._search_http: SearchHTTP | None = None

    # ------------------------------------------------------------------ plumbing
    @property
    def client(self) -> Elasticsearch:
        # One client per process: never share a connection pool across a fork (gunicorn).
        if self._client is None or self._pid != os.getpid():
            with self._lock:
                if self._client is None or self._pid != os.getpid():
                    self._client = Elasticsearch(
                        self.url,
                        request_timeout=self.timeout,
                        max_retries=1,
                        retry_on_timeout=False,
                        # Requests and responses through orjson: the search response
                        # (20 profile cards) decodes several times faster than with json.
                        serializer=OrjsonSerializer(),
                    )
                    self._pid = os.getpid()
                    self._aliases_checked = False
        return self._client

    def alias(self, entity: Entity) -> str:
        return f"{self.prefix}-{KINDS[entity][0]}"

    def healthy(self) -> bool:
        try:
            health = self.client.cluster.health(timeout="5s")
        except (TransportError, ApiError):
            return False
        return health.get("status") in ("green", "yellow")

    def _settings(self, building: bool) -> Json:
        return {
            "number_of_shards": 1,
            "number_of_replicas": 0,
            "refresh_interval": "-1" if building else "1s",
            "analysis": ANALYSIS,
        }

    def ensure_indices(self) -> None:
        """Create each alias with a first index if it does not exist yet (idempotent)."""
        if self._aliases_checked:
            return
        for entity in KINDS:
            mapping = mapping_for(entity)
            alias = self.alias(entity)
            if self.client.indices.exists_alias(name=alias):
                continue
            first = f"{alias}-v0"
            self.client.options(ignore_status=400).indices.create(
                index=first, settings=self._settings(building=False), mappings=mapping
            )
            self.client.indices.update_aliases(actions=[{"add": {"index": first, "alias": alias}}])
        self._aliases_checked = True

    # ------------------------------------------------------------------ queries
    def secretary_request(self, criteria: SecretaryCriteria, offset: int, limit: int) -> Json:
        """The exact search body sent for these criteria (the benchmark replays it)."""
        return self._request(secretary_plan(criteria), offset, limit)

    def mission_request(self, criteria: MissionCriteria, offset: int, limit: int) -> Json:
        return self._request(mission_plan(criteria), offset, limit)

    def _request(self, plan: Plan, offset: int, limit: int) -> Json:
        # Only what the results and their reasons need comes back.
        excludes = ["updated_at", "department_code", "languages", "hours_per_week"]
        if plan.text is None:
            excludes += ["title_terms", "text_terms"]
        if plan.meaning is None:
            excludes += ["meaning_bytes"]
        elif offset < hybrid.WINDOW:  # the window, re-ranked in Python (hybrid.py)
            offset, limit = 0, hybrid.fetch_size(offset, limit)
        return {
            "query": plan.es_query(),
            "sort": _sort(),
            "from": offset,
            "size": max(0, min(limit, MAX_WINDOW - offset)),
            "track_total_hits": True,
            "_source": {"excludes": excludes},
        }

    @property
    def search_http(self) -> SearchHTTP:
        if self._search_http is None:
            with self._lock:
                if self._search_http is None:
                    self._search_http = SearchHTTP(self.url, self.timeout)
        return self._search_http

    def _search(self, entity: Entity, body: Json) -> HitPage:
        alias = self.alias(entity)
        # The body as built, sent as it is to `_search` (what the benchmark replays), on the
        # search requests' own lean connection (http.py says why not through the client).
        status, response = self.search_http.post(f"/{alias}/_search", body)
        if status == 404:  # no alias yet: nothing was ever indexed
            self.ensure_indices()
            return HitPage(total=0, hits=[])
        if status != 200:
            error = response.get("error") if isinstance(response, dict) else None
            kind = error.get("type") if isinstance(error, dict) else error
            raise SearchUnavailable(f"Elasticsearch answered {status} to a search: {kind}")
        hits = [
            Hit(h["_id"], float(h["sort"][0]), _doc(h["_source"])) for h in response["hits"]["hits"]
        ]
        return HitPage(total=int(response["hits"]["total"]["value"]), hits=hits)

    def search_secretaries(self, criteria: SecretaryCriteria, offset: int, limit: int) -> HitPage:
        if offset >= MAX_WINDOW:
            limit = 0
            offset = 0
        return self._ranked("secretary", secretary_plan(criteria), offset, limit)

    def search_missions(self, criteria: MissionCriteria, offset: int, limit: int) -> HitPage:
        if offset >= MAX_WINDOW:
            limit = 0
            offset = 0
        return self._ranked("mission", mission_plan(criteria), offset, limit)

    def _ranked(self, entity: Entity, plan: Plan, offset: int, limit: int) -> HitPage:
        """The page, in the hybrid order when the plan has a meaning (hybrid.py)."""
        found = self._search(entity, self._request(plan, offset, limit))
        if plan.meaning is None:
            return found
        if offset >= hybrid.WINDOW:  # past the window: the first pass's order
            return HitPage(
                found.total,
                [Hit(h.id, plan.signals_score(h.doc), h.doc) for h in found.hits],
            )
        ranked = [(h.score, h.doc) for h in found.hits]
        hits = [Hit(d["id"], s, d) for s, d in hybrid.page(plan, ranked, offset, limit)]
        return HitPage(found.total, hits)

    # ------------------------------------------------------------------ writes
    def _actions(self, session: Session, changes: Sequence[tuple[Entity, str]]) -> list[Json]:
        wanted: dict[Entity, list[str]] = {"secretary": [], "mission": []}
        for entity, entity_id in changes:
            if entity_id not in wanted[entity]:
                wanted[entity].append(entity_id)
        actions: list[Json] = []
        builders = {"secretary": documents.secretary_docs, "mission": documents.mission_docs}
        for entity, ids in wanted.items():
            if not ids:
                continue
            docs = builders[entity](session, [uuid.UUID(i) for i in ids])
            alias = self.alias(entity)
            for entity_id in ids:
                doc = docs.get(entity_id)
                if doc is None:
                    actions.append({"_op_type": "delete", "_index": alias, "_id": entity_id})
                else:
                    actions.append(
                        {"_op_type": "index", "_index": alias, "_id": entity_id, "_source": doc}
                    )
        return actions

    def apply(
        self, session: Session, changes: Sequence[tuple[Entity, str]], *, wait: bool = False
    ) -> None:
        actions = self._actions(session, changes)
        if not actions:
            return
        try:
            self.ensure_indices()
            _ok, errors = helpers.bulk(
                self.client,
                actions,
                raise_on_error=False,
                raise_on_exception=True,
                refresh="true" if wait else "false",
                require_alias=True,
            )
        except (TransportError, ApiError) as exc:
            raise IndexingError(f"Elasticsearch unreachable: {exc}") from exc
        failures = (
            [e for e in errors if not _is_missing_delete(e)] if isinstance(errors, list) else []
        )
        if failures:
            raise IndexingError(f"{len(failures)} document(s) refused, first: {failures[0]}")

    # ------------------------------------------------------------------ reindex
    def reindex(self, session: Session) -> list[ReindexReport]:
        return [self.rebuild_from_database(session, entity) for entity in KINDS]

    def rebuild_from_database(
        self, session: Session, entity: Entity, *, workers: int | None = None
    ) -> ReindexReport:
        """Rebuild one index from the database: in chunks of ids, over several processes
        when there are many (building documents is Python work, bound by one core each)."""
        ids = documents.all_ids(session, entity)
        chunks = [ids[i : i + REBUILD_CHUNK] for i in range(0, len(ids), REBUILD_CHUNK)]
        if workers is None:
            workers = min(os.cpu_count() or 1, 4) if len(ids) >= PARALLEL_FROM else 1

        def fill(index: str) -> int:
            if workers <= 1 or len(chunks) <= 1:
                return sum(self._fill_chunk(session, entity, index, chunk) for chunk in chunks)
            return _fill_in_processes(self, entity, index, chunks, workers)

        return self.rebuild(entity, fill)

    def _fill_chunk(
        self, session: Session, entity: Entity, index: str, ids: Sequence[uuid.UUID]
    ) -> int:
        builder = documents.secretary_docs if entity == "secretary" else documents.mission_docs
        docs = builder(session, ids).values()
        count = 0
        for ok, info in helpers.streaming_bulk(
            self.client, _index_actions(index, docs), chunk_size=1_000, raise_on_error=False
        ):
            if not ok:
                raise IndexingError(f"document refused while rebuilding {index}: {info}")
            count += 1
        return count

    def rebuild(self, entity: Entity, fill: Callable[[str], int]) -> ReindexReport:
        """Create a new versioned index, let `fill` write into it, then swap the alias to it
        in one atomic call and delete the old index. On failure the alias is untouched."""
        alias = self.alias(entity)
        mapping = mapping_for(entity)
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        name = f"{alias}-v{stamp}"
        started = time.perf_counter()
        self.client.indices.create(
            index=name, settings=self._settings(building=True), mappings=mapping
        )
        try:
            count = fill(name)
            self.client.indices.put_settings(index=name, settings={"refresh_interval": "1s"})
            self.client.indices.refresh(index=name)
            current = self._indices_behind(alias)
            actions: list[Json] = [{"remove": {"index": old, "alias": alias}} for old in current]
            actions.append({"add": {"index": name, "alias": alias}})
            self.client.indices.update_aliases(actions=actions)
        except BaseException:
            self.client.options(ignore_status=404).indices.delete(index=name)
            raise
        self._delete_old(alias, keep=name)
        self._aliases_checked = True
        seconds = time.perf_counter() - started
        self._merge_later(name)
        return ReindexReport(name, count, seconds)

    def _merge_later(self, index: str) -> None:
        """Merge the new index into one segment, in the background (Elasticsearch's task).

        A bulk rebuild leaves several segments, and a kNN query walks one HNSW graph per
        segment: at 20,000 profiles, the matches query took 22.9 ms p50 on the rebuilt
        index and 13.1 ms once merged (7.7 s of merging). The index is already served
        while it merges; later writes add small segments that Elasticsearch's merge
        policy folds in as usual. `merged()` says when it is done.
        """
        self.client.options(ignore_status=(400, 404)).indices.forcemerge(
            index=index, max_num_segments=1, wait_for_completion=False
        )

    def merged(self, entity: Entity) -> bool:
        """True when every index behind the alias is down to one segment per shard."""
        alias = self.alias(entity)
        stats = self.client.indices.segments(index=alias).body
        for index in stats.get("indices", {}).values():
            for copies in index.get("shards", {}).values():
                for shard in copies:
                    if int(shard.get("num_search_segments", 0)) > 1:
                        return False
        return True

    def _indices_behind(self, alias: str) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=alias).body)
        except NotFoundError:
            return []

    def _delete_old(self, alias: str, keep: str) -> None:
        existing = self.client.options(ignore_status=404).indices.get(
            index=f"{alias}-v*", expand_wildcards="open,closed"
        )
        old = [name for name in existing.body if name != keep and name.startswith(f"{alias}-v")]
        if old:
            self.client.options(ignore_status=404).indices.delete(index=",".join(old))

    def drop(self) -> None:
        """Delete every index and alias of this prefix (tests, uninstall)."""
        for entity in KINDS:
            alias = self.alias(entity)
            self.client.options(ignore_status=404).indices.delete(
                index=f"{alias}-v*", expand_wildcards="open,closed"
            )
        self._aliases_checked = False


def _index_actions(index: str, docs: Iterable[dict[str, Any]]) -> Iterator[Json]:
    for doc in docs:
        yield {"_index": index, "_id": doc["id"], "_source": doc}


def _is_missing_delete(error: Any) -> bool:
    item = error.get("delete") if isinstance(error, dict) else None
    return isinstance(item, dict) and item.get("status") == 404


# ----------------------------------------------------------------------------- parallel rebuild
REBUILD_CHUNK = 2_500
PARALLEL_FROM = 5_000  # below this, one process is as fast as starting several

_worker_app: Flask | None = None
_worker_pid = 0


def _fill_in_processes(
    backend: ElasticBackend,
    entity: Entity,
    index: str,
    chunks: list[list[uuid.UUID]],
    workers: int,
) -> int:
    global _worker_app
    _worker_app = current_app._get_current_object()  # type: ignore[attr-defined]
    documents.warm_up()  # load the places once, before forking, for every worker
    context = multiprocessing.get_context("fork")
    jobs = [(backend.url, backend.prefix, entity, index, chunk) for chunk in chunks]
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return sum(pool.map(_fill_job, jobs))


def _fill_job(job: tuple[str, str, Entity, str, list[uuid.UUID]]) -> int:
    """In a forked worker: its own database connections and Elasticsearch client."""
    global _worker_pid

    url, prefix, entity, index, ids = job
    assert _worker_app is not None
    with _worker_app.app_context():
        if _worker_pid != os.getpid():
            db.engine.dispose(close=False)  # never use the parent's pooled connections
            _worker_pid = os.getpid()
        backend = ElasticBackend(url, prefix)
        with db.engine.connect() as conn:
            session = Session(bind=conn)
            try:
                return backend._fill_chunk(session, entity, index, ids)
            finally:
                session.close()
