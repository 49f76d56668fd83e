"""The transactional outbox that keeps the search index in step with the database.

Writing: SQLAlchemy events on the app's session add a `search_outbox` row for every change
that affects a search document, on the same connection and in the same transaction:

* `after_flush`: new, changed or deleted `SecretaryProfile`, `Mission`, `Review` (its
  subject), `Contract` whose status changed (completed contracts), `User` whose display
  name or suspension changed, `PayoutAccount` and `VigilanceDocument` (what her badges
  are decided from);
* `do_orm_execute`: bulk `UPDATE`/`DELETE` statements on those classes (the guarded
  status changes of missions, contracts and reviews are written that way and never pass
  through a flush); the ids they touch are read with the statement's own WHERE clause
  just before it runs.

A rollback takes the rows with it, so nothing rolled back is ever indexed.

Draining: after a commit that wrote rows, the `Drainer` applies them (`backend.apply`) and
deletes them; if Elasticsearch is down the rows stay, with `attempts` and `last_error`, and
are retried with a backoff by the drainer's thread, at the next commit, or by
`.venv/bin/flask --app wsgi search drain`. One drain runs at a time (a PostgreSQL advisory
lock, also held by `search reindex`), so documents are always written from a database state at
least as new as the previous write.

Modes (`SEARCH_DRAIN`): `thread` (default: a background thread per process, woken after
each commit, sweeping every 30 s), `sync` (drain inside the commit: tests, scripts), `off`
(only the command).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from marketplace.accounts.models import User
from marketplace.compliance.models import VigilanceDocument
from marketplace.contracts.models import Contract
from marketplace.db import utcnow
from marketplace.extensions import cache, db
from marketplace.missions.models import Mission
from marketplace.payments.models import PayoutAccount
from marketplace.profiles.models import SecretaryProfile
from marketplace.reviews.models import Review
from marketplace.search.interfaces import Entity, SearchBackend
from marketplace.search.models import SearchOutbox

log = logging.getLogger(__name__)

LOCK_KEY = 0x5EA2C4  # pg advisory lock shared by drains and reindexes
BATCH = 500
SWEEP_SECONDS = 30.0
MAX_BACKOFF_SECONDS = 60.0
_PENDING = "search_outbox_pending"

# ----------------------------------------------------------------------------- writing


def _tracking() -> bool:
    if not has_app_context():
        return False
    state = current_app.extensions.get("search")
    return bool(state is not None and state.tracks_changes)


def _changed(obj: Any, *names: str) -> bool:
    insp = sa.inspect(obj)
    return any(insp.attrs[name].history.has_changes() for name in names)


def _keys_for(session: Session) -> set[tuple[Entity, uuid.UUID]]:
    keys: set[tuple[Entity, uuid.UUID]] = set()
    dirty = [o for o in session.dirty if session.is_modified(o, include_collections=False)]
    for obj in (*session.new, *dirty, *session.deleted):
        if isinstance(obj, SecretaryProfile):
            keys.add(("secretary", obj.user_id))
        elif isinstance(obj, Mission):
            keys.add(("mission", obj.id))
        elif isinstance(obj, Review):
            keys.add(("secretary", obj.subject_id))
        elif isinstance(obj, PayoutAccount):
            keys.add(("secretary", obj.user_id))
        elif isinstance(obj, VigilanceDocument):
            keys.add(("secretary", obj.secretary_id))
        elif isinstance(obj, Contract):
            if obj in session.deleted or _changed(obj, "status", "secretary_id"):
                keys.add(("secretary", obj.secretary_id))
        elif (
            isinstance(obj, User)
            and obj not in session.new
            and obj.is_secretary
            and _changed(obj, "display_name", "is_suspended")
        ):
            keys.add(("secretary", obj.id))
    return {(e, i) for e, i in keys if i is not None}


def _enqueue(session: Session, keys: set[tuple[Entity, uuid.UUID]]) -> None:
    if not keys:
        return
    now = utcnow()
    rows = [
        {"entity": e, "entity_id": i, "created_at": now, "attempts": 0} for e, i in sorted(keys)
    ]
    session.connection().execute(sa.insert(SearchOutbox.__table__), rows)
    session.info[_PENDING] = True


def _after_flush(session: Session, _context: Any) -> None:
    if _tracking():
        _enqueue(session, _keys_for(session))


# Which ids a bulk UPDATE/DELETE on each class touches, as (entity, column).
_BULK_TARGETS: dict[type, tuple[Entity, Any]] = {
    SecretaryProfile: ("secretary", SecretaryProfile.user_id),
    Mission: ("mission", Mission.id),
    Review: ("secretary", Review.subject_id),
    Contract: ("secretary", Contract.secretary_id),
    User: ("secretary", User.id),
    PayoutAccount: ("secretary", PayoutAccount.user_id),
    VigilanceDocument: ("secretary", VigilanceDocument.secretary_id),
}


def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete) or not _tracking():
        return
    mapper = state.bind_mapper
    target = _BULK_TARGETS.get(mapper.class_) if mapper is not None else None
    if target is None:
        return
    entity, column = target
    where = getattr(state.statement, "whereclause", None)
    query = sa.select(column).distinct()
    if where is not None:
        query = query.where(where)
    ids = state.session.connection().execute(query).scalars().all()
    _enqueue(state.session, {(entity, i) for i in ids if i is not None})


def _after_commit(session: Session) -> None:
    if session.info.pop(_PENDING, False) and has_app_context():
        drainer = current_app.extensions.get("search_drainer")
        if drainer is not None:
            drainer.notify()


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


_installed = False


def install() -> None:
    """Listen on the app session (once per process; every app shares `db.session`)."""
    global _installed
    if _installed:
        return
    event.listen(db.session, "after_flush", _after_flush)
    event.listen(db.session, "do_orm_execute", _on_execute)
    event.listen(db.session, "after_commit", _after_commit)
    event.listen(db.session, "after_rollback", _after_rollback)
    _installed = True


# ----------------------------------------------------------------------------- draining


@dataclass(frozen=True)
class DrainResult:
    applied: int  # outbox rows applied and deleted
    failed: int  # rows left pending after a failure
    error: str | None = None


@contextlib.contextmanager
def exclusive(connection: sa.Connection) -> Iterator[None]:
    """Hold the drain lock on this connection for the block (reindex)."""
    if connection.dialect.name != "postgresql":
        yield
        return
    connection.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": LOCK_KEY})
    try:
        yield
    finally:
        connection.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})


def drain(
    backend: SearchBackend, engine: sa.Engine, batch: int = BATCH, *, wait: bool = False
) -> DrainResult:
    """Apply pending outbox rows to the index, oldest first; failed rows stay pending.

    With `wait`, the changes are searchable when this returns (tests, the command).
    """
    applied = 0
    table = SearchOutbox.__table__
    with engine.connect() as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
        session = Session(bind=conn)
        while True:
            rows = conn.execute(
                sa.select(table.c.id, table.c.entity, table.c.entity_id)
                .order_by(table.c.id)
                .limit(batch)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                break
            ids = [r.id for r in rows]
            changes: list[tuple[Entity, str]] = list(
                dict.fromkeys((r.entity, str(r.entity_id)) for r in rows)
            )
            try:
                backend.apply(session, changes, wait=wait)
            except Exception as exc:
                message = f"{type(exc).__name__}: {exc}"[:1000]
                conn.execute(
                    table.update()
                    .where(table.c.id.in_(ids))
                    .values(attempts=table.c.attempts + 1, last_error=message)
                )
                log.warning("search outbox: %d row(s) left pending: %s", len(ids), message)
                return DrainResult(applied, len(ids), message)
            finally:
                session.expunge_all()
            conn.execute(table.delete().where(table.c.id.in_(ids)))
            applied += len(ids)
            if any(entity == "mission" for entity, _id in changes):
                missions_changed()
    return DrainResult(applied, 0)


# The missions' version: what a cached ranking of missions was computed against (a
# secretary's "missions pour vous", search/services.py). It moves on each time missions are
# written to the index; kept in the app's cache (CACHE_URL), so with Redis every process
# sees it move.
_MISSIONS_VERSION = "search:missions-version"


def missions_version() -> str:
    version = cache.get(_MISSIONS_VERSION)
    if version is None:  # first use, or the cache lost it: start a new one
        version = uuid.uuid4().hex
        cache.add(_MISSIONS_VERSION, version, timeout=0)
        version = cache.get(_MISSIONS_VERSION) or version
    return str(version)


def missions_changed() -> None:
    if has_app_context():
        cache.set(_MISSIONS_VERSION, uuid.uuid4().hex, timeout=0)


def pending(engine: sa.Engine) -> tuple[int, int, str | None]:
    """(pending rows, most attempts on one row, last error seen)."""
    table = SearchOutbox.__table__
    with engine.connect() as conn:
        count, attempts = conn.execute(
            sa.select(sa.func.count(), sa.func.coalesce(sa.func.max(table.c.attempts), 0))
        ).one()
        error = conn.execute(
            sa.select(table.c.last_error)
            .where(table.c.last_error.is_not(None))
            .order_by(table.c.id.desc())
            .limit(1)
        ).scalar()
    return int(count), int(attempts), error


class Drainer:
    """Runs drains for one app: at once (`sync`), in a background thread, or never (`off`)."""

    def __init__(
        self,
        app: Flask,
        mode_of: Callable[[Flask], str],
        backend_of: Callable[[Flask], SearchBackend],
    ) -> None:
        # How to read the drain mode and the backend: given by `marketplace.search.init_app`
        # (the package imports this module, so this module does not import the package).
        self.app = app
        self._mode_of = mode_of
        self._backend_of = backend_of
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._lock = threading.Lock()
        self._backoff = 0.0
        self._dirty = False  # rows written by this process and not yet drained
        self._stop = threading.Event()

    @property
    def mode(self) -> str:
        return self._mode_of(self.app)

    def _backend(self) -> SearchBackend:
        return self._backend_of(self.app)

    def drain_now(self) -> DrainResult:
        with self.app.app_context():
            result = drain(self._backend(), db.engine, wait=self.mode == "sync")
        if not result.failed:
            self._dirty = False
        return result

    def notify(self) -> None:
        if self.mode == "sync":
            try:
                self.drain_now()
            except Exception:  # never let indexing break the request that committed
                log.exception("search outbox: drain failed")
        elif self.mode == "thread":
            self._dirty = True
            self.ensure_started()
            self._wake.set()

    def ensure_started(self) -> None:
        if self.mode != "thread":
            return
        if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
                return
            self._pid = os.getpid()
            self._wake = threading.Event()
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._run, name="search-outbox", daemon=True)
            self._thread.start()
            atexit.register(self._at_exit)

    def stop(self, timeout: float = 5.0) -> None:
        """End the background thread (tests, a clean shutdown)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout)
        self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(timeout=self._backoff or SWEEP_SECONDS)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                result = self.drain_now()
            except Exception as exc:  # database unreachable: try again later
                log.warning("search outbox: drain failed: %s", exc)
                result = DrainResult(0, 1, str(exc))
            if result.failed:
                self._backoff = min(MAX_BACKOFF_SECONDS, max(1.0, self._backoff * 2))
            else:
                self._backoff = 0.0

    def _at_exit(self) -> None:
        # A short-lived process (a CLI command) may end before its thread ran: drain once.
        if self._dirty and self._pid == os.getpid():
            with contextlib.suppress(Exception):
                self.drain_now()
