"""Alerts: a new or changed secretary or mission that fits a saved search tells its owner.

When a flush writes a `SecretaryProfile` or a `Mission` (new or changed), a
`saved_search_match` job is written in the same transaction (the jobs outbox: a rollback
takes it away). The job, after the commit, builds the entity's search document
(`search.documents`, the one both backends rank) and evaluates each alerting saved search's
plan on it in Python (`Plan.admits`, the same filters Elasticsearch applies). Each owner of
a fitting search gets one `saved_search_match` notification, e-mailed by her settings.

"Never twice for the same one": the notification's `dedupe_key` is the saved search, the
entity and a fingerprint of what the document says (ratings and counters left out), so
running the job again, or saving the profile without a change, tells nobody twice, while a
real change (a new rate, new skills, another place) is a changed match and tells again.

Cost: one job per changed entity, reading the alerting searches of one kind (at most
`services.MAX_PER_USER` per owner); fine at this size; a percolator would replace the scan
at a much larger one.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace import jobs
from marketplace.extensions import db
from marketplace.missions.models import Mission
from marketplace.notifications.services import notify
from marketplace.profiles.models import SecretaryProfile
from marketplace.saved_searches import services
from marketplace.saved_searches.models import SavedSearch
from marketplace.search import documents
from marketplace.urls import path_for

JOB = "saved_search_match"
KIND_OF_ENTITY = {"secretary": "secretaries", "mission": "missions"}
# What changes without the match changing: left out of the fingerprint.
VOLATILE = frozenset(
    {
        "card",
        "badge_facts",
        "updated_at",
        "rating_score",
        "rating_count",
        "rating_avg",
        "experience_score",
        "completed_contracts",
    }
)
_installed = False


# ----------------------------------------------------------------------------- writing
def _changed_entities(session: Session) -> set[tuple[str, uuid.UUID]]:
    found: set[tuple[str, uuid.UUID]] = set()
    dirty = [o for o in session.dirty if session.is_modified(o, include_collections=False)]
    for obj in (*session.new, *dirty):
        if isinstance(obj, SecretaryProfile) and obj.user_id is not None:
            found.add(("secretary", obj.user_id))
        elif isinstance(obj, Mission) and obj.id is not None:
            found.add(("mission", obj.id))
    return found


_SEEN = "saved_search_entities"  # session.info: what this transaction already enqueued


def _anyone_listening(session: Session, entity: str) -> bool:
    """Whether some saved search of this kind alerts (no job at all while none does)."""
    query = (
        sa.select(SavedSearch.id)
        .where(SavedSearch.kind == KIND_OF_ENTITY[entity], SavedSearch.alert.is_(True))
        .limit(1)
    )
    return session.connection().execute(query).first() is not None


def _after_flush(session: Session, _context: Any) -> None:
    seen: set[tuple[str, uuid.UUID]] = session.info.setdefault(_SEEN, set())
    fresh = _changed_entities(session) - seen
    if not fresh:
        return
    listening = {e for e in {e for e, _i in fresh} if _anyone_listening(session, e)}
    for entity, entity_id in sorted(fresh):
        if entity not in listening:
            continue
        # One job per entity and transaction: the job reads the committed state anyway.
        jobs.enqueue(JOB, {"entity": entity, "id": str(entity_id)})
        seen.add((entity, entity_id))


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_SEEN, None)


def install() -> None:
    global _installed
    if _installed:
        return
    event.listen(db.session, "after_flush", _after_flush)
    event.listen(db.session, "after_commit", _forget)
    event.listen(db.session, "after_rollback", _forget)
    _installed = True


# ----------------------------------------------------------------------------- the job
def fingerprint(doc: dict[str, Any]) -> str:
    kept = {k: v for k, v in doc.items() if k not in VOLATILE}
    raw = json.dumps(kept, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _doc(entity: str, entity_id: uuid.UUID) -> dict[str, Any] | None:
    if entity == "secretary":
        docs = documents.secretary_docs(db.session(), [entity_id])
    else:
        docs = documents.mission_docs(db.session(), [entity_id])
    doc = docs.get(str(entity_id))
    return dict(doc) if doc is not None else None


def _params(entity: str, entity_id: uuid.UUID) -> tuple[dict[str, str], str]:
    if entity == "secretary":
        from marketplace.accounts.models import User

        name = db.session.scalar(sa.select(User.display_name).where(User.id == entity_id))
        return {"name": name or ""}, path_for("web.secretary_public", secretary_id=entity_id)
    title = db.session.scalar(sa.select(Mission.title).where(Mission.id == entity_id))
    return {"name": title or ""}, path_for("web.mission_detail", mission_id=entity_id)


@jobs.handler(JOB)
def match_entity(payload: dict[str, Any]) -> None:
    """Tell the owners of the alerting saved searches this entity now fits."""
    entity = str(payload["entity"])
    entity_id = uuid.UUID(str(payload["id"]))
    doc = _doc(entity, entity_id)
    if doc is None:  # closed, suspended or gone since: nothing new to tell
        return
    version = fingerprint(doc)
    searches = db.session.scalars(
        sa.select(SavedSearch).where(
            SavedSearch.kind == KIND_OF_ENTITY[entity], SavedSearch.alert.is_(True)
        )
    ).all()
    params: dict[str, str] | None = None
    url = ""
    for saved in searches:
        if entity == "secretary" and saved.user_id == entity_id:
            continue
        plan = services.plan_for(saved)
        if plan is None or not plan.admits(doc):
            continue
        if params is None:
            params, url = _params(entity, entity_id)
        notify(
            saved.user_id,
            "saved_search_match",
            subject=(entity, entity_id),
            url=url,
            params=params,
            dedupe_key=f"saved-search:{saved.id}:{entity_id}:{version}",
        )


def register() -> None:
    """Called by the app factory: the flush hook is installed, the job handler registered."""
    install()
