"""Matching and search as the API and the pages use them, whatever the backend.

Each function turns what the caller asked into criteria (`ranking.py`), asks the configured
backend for a page of hits, and adds what users read: the distance and the reasons.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _

from marketplace.accounts.models import Role, User
from marketplace.badges import services as badges
from marketplace.bids.models import LIVE_BID_STATUSES, Bid
from marketplace.db import utcnow
from marketplace.errors import FieldErrors
from marketplace.extensions import cache, db
from marketplace.geo.places import lookup
from marketplace.missions.models import Mission, MissionStatus
from marketplace.missions.services import details_visible
from marketplace.profiles.models import SecretaryProfile
from marketplace.search import backend, embeddings, explain, outbox, ranking, text
from marketplace.search.interfaces import HitPage, ReindexReport
from marketplace.search.plan import Origin

MAX_QUERY_TERMS = 10


@dataclass
class SecretaryResult:
    """`secretary` is her card with her `badges` (decided now from the document's facts)."""

    secretary: dict[str, Any]
    score: float
    distance_km: float | None
    reasons: list[str]
    caveats: list[str] = field(default_factory=list)


@dataclass
class MissionResult:
    mission: Mission
    score: float
    distance_km: float | None
    reasons: list[str]
    caveats: list[str] = field(default_factory=list)


@dataclass
class ResultPage:
    total: int
    page: int
    per_page: int
    results: list[Any] = field(default_factory=list)


def current_locale() -> str:
    locale = get_locale()
    return "en" if locale is not None and str(locale).startswith("en") else "fr"


def origin_for(postal_code: str) -> Origin:
    place = lookup(postal_code)
    if place is None:
        raise FieldErrors({"postal_code": _("Code postal inconnu : %(code)s.", code=postal_code)})
    return Origin(place.postal_code, place.lat, place.lon, place.city)


def _km(origin: Origin | None, doc: dict[str, Any]) -> float | None:
    return round(origin.km_to(doc), 1) if origin is not None else None


# ----------------------------------------------------------------------------- secretaries
def _secretary_results(
    criteria: ranking.SecretaryCriteria, hits: HitPage, locale: str
) -> list[SecretaryResult]:
    plan = ranking.secretary_plan(criteria)
    today = badges.today_in_paris()
    results = []
    for hit in hits.hits:
        said = explain.explain_secretary(criteria, plan, hit.doc, locale)
        facts = badges.Facts.from_doc(hit.doc.get("badge_facts"))
        results.append(
            SecretaryResult(
                secretary={**hit.doc["card"], "badges": badges.badges_of(facts, today)},
                score=round(hit.score, 4),
                distance_km=_km(criteria.origin, hit.doc),
                reasons=said.reasons,
                caveats=said.caveats,
            )
        )
    return results


def rank_secretaries(
    criteria: ranking.SecretaryCriteria, page: int = 1, per_page: int = 20
) -> ResultPage:
    hits = backend().search_secretaries(criteria, (page - 1) * per_page, per_page)
    results = _secretary_results(criteria, hits, current_locale())
    return ResultPage(hits.total, page, per_page, results)


def secretary_criteria(args: dict[str, Any]) -> ranking.SecretaryCriteria:
    """Criteria from the validated search form (API query or page)."""
    origin = origin_for(args["postal_code"]) if args.get("postal_code") else None
    query = (args.get("q") or "").strip()
    available_on: date | None = args.get("available_on")
    skills = tuple(args.get("skills") or ())
    remote = args.get("remote")
    return ranking.SecretaryCriteria(
        specialty=args.get("specialty"),
        origin=origin,
        radius_km=args.get("radius_km"),
        onsite=remote is False,
        remote_only=remote is True,
        max_rate_cents=args.get("max_rate_cents"),
        start_date=available_on,
        days=(ranking.WEEKDAY_CODES[available_on.weekday()],) if available_on else (),
        available_on=available_on,
        skills=skills,
        required_skills=skills,
        terms=text.query_terms(query, MAX_QUERY_TERMS),
        words=text.query_words(query, MAX_QUERY_TERMS),
        text_required=True,
        text_weight=ranking.W_TEXT_QUERY,
        meaning=embeddings.query_vector(query),
    )


def search_secretaries(args: dict[str, Any]) -> ResultPage:
    return rank_secretaries(secretary_criteria(args), args.get("page", 1), args.get("per_page", 20))


def matches(mission: Mission, limit: int = 20, strict_specialty: bool = True) -> ResultPage:
    """Secretaries ranked for a mission (the owner's view)."""
    criteria = ranking.criteria_for_mission(mission, strict_specialty=strict_specialty)
    return rank_secretaries(criteria, 1, limit)


# ----------------------------------------------------------------------------- missions
def _live_bid_missions(user: User) -> tuple[str, ...]:
    ids = db.session.scalars(
        sa.select(Bid.mission_id).where(
            Bid.secretary_id == user.id, Bid.status.in_(LIVE_BID_STATUSES)
        )
    )
    return tuple(str(i) for i in ids)


def personal_mission_criteria(
    user: User, exclude_ids: Sequence[str] = ()
) -> ranking.MissionCriteria | None:
    """Her profile as mission criteria; None when she has no profile yet."""
    profile = db.session.get(SecretaryProfile, user.id)
    if profile is None:
        return None
    headline = profile.headline or ""
    return ranking.MissionCriteria(
        now=utcnow(),
        specialties=tuple(profile.specialties),
        home=Origin(profile.postal_code, profile.lat, profile.lon, profile.city),
        home_radius_km=profile.onsite_radius_km,
        works_remotely=profile.remote,
        rate_cents=profile.hourly_rate_cents,
        urgent_rate_cents=ranking.urgent_rate(profile.hourly_rate_cents, profile.surcharge_percent),
        available_from=profile.available_from,
        weekdays=tuple(profile.weekdays),
        slots=tuple((slot["day"], slot["start"], slot["end"]) for slot in profile.slots or []),
        skills=tuple(profile.skills),
        terms=text.query_terms(headline, 8),
        words=text.query_words(headline, 8),
        personal=True,
        exclude_ids=tuple(exclude_ids),
        # What her profile says she does, against what each mission asks (hybrid.py).
        meaning=embeddings.query_vector(embeddings.profile_text(profile.headline, profile.bio)),
    )


MISSION_FILTERS = (
    "q",
    "specialty",
    "postal_code",
    "radius_km",
    "remote",
    "min_budget_cents",
    "schedule",
)


def mission_criteria(args: dict[str, Any], user: User | None) -> ranking.MissionCriteria:
    """Criteria from the validated filters; for a secretary with a profile, ranked for her
    (her specialties, place, rate, days and skills as signals) within the filters."""
    origin = origin_for(args["postal_code"]) if args.get("postal_code") else None
    query = (args.get("q") or "").strip()
    filters: dict[str, Any] = {
        "specialty": args.get("specialty"),
        "origin": origin,
        "radius_km": args.get("radius_km"),
        "remote_ok": args.get("remote"),
        "min_budget_cents": args.get("min_budget_cents"),
        "schedule": args.get("schedule"),
    }
    if query:
        filters |= {
            "terms": text.query_terms(query, MAX_QUERY_TERMS),
            "words": text.query_words(query, MAX_QUERY_TERMS),
            "text_required": True,
            "text_weight": ranking.W_TEXT_QUERY,
            "meaning": embeddings.query_vector(query),
        }
    if user is not None and user.role is Role.SECRETARY:
        personal = personal_mission_criteria(user)
        if personal is not None:
            return dataclasses.replace(personal, **filters)
    return ranking.MissionCriteria(now=utcnow(), **filters)


def rank_missions(
    criteria: ranking.MissionCriteria, viewer: User | None, page: int = 1, per_page: int = 20
) -> ResultPage:

    hits = backend().search_missions(criteria, (page - 1) * per_page, per_page)
    loaded = _open_missions([h.id for h in hits.hits], viewer)
    plan = ranking.mission_plan(criteria)
    center = criteria.home if criteria.personal else criteria.origin
    locale = current_locale()
    results = []
    for hit in hits.hits:
        mission = loaded.get(hit.id)
        if mission is None:  # closed since it was indexed: the outbox will catch up
            continue
        said = explain.explain_mission(criteria, plan, hit.doc, locale)
        results.append(
            MissionResult(
                mission=mission,
                score=round(hit.score, 4),
                distance_km=_km(center, hit.doc),
                reasons=said.reasons,
                caveats=said.caveats,
            )
        )
    return ResultPage(hits.total, page, per_page, results)


def _open_missions(ids: list[str], viewer: User | None) -> dict[str, Mission]:
    """Those of these missions still open, by id, each knowing whether the viewer sees its
    details (a confidential mission's NDA)."""
    loaded = {
        str(m.id): m
        for m in db.session.scalars(
            sa.select(Mission).where(
                Mission.id.in_([uuid.UUID(i) for i in ids]), Mission.status == MissionStatus.OPEN
            )
        )
    }
    for mission in loaded.values():
        mission.viewer_sees_details = details_visible(mission, viewer)
    return loaded


def search_missions(args: dict[str, Any], viewer: User | None) -> ResultPage:
    criteria = mission_criteria(args, viewer)
    return rank_missions(criteria, viewer, args.get("page", 1), args.get("per_page", 20))


def missions_for(user: User, limit: int = 10) -> list[MissionResult]:
    """Open missions ranked for a secretary, leaving out those she already bid on.

    Her dashboard asks this on every view, and with Elasticsearch it is a ranked search
    with her profile's vector (about 20 ms at 100,000 secretaries, bench/site). So the
    ranking (which missions, their scores and reasons) is kept in the cache (CACHE_URL) for
    up to FOR_YOU_SECONDS, under a key made of everything it is decided from: her criteria
    (her whole profile, the missions she bid on), the language, and the missions' version,
    which the outbox moves on whenever it writes a mission to the index
    (`outbox.missions_version`). A new, edited or closed mission is thus seen at the next
    view (in every process with a Redis cache; in this process with the in-process one,
    the others within FOR_YOU_SECONDS). The missions themselves are read from the database
    at every view: a mission closed since is left out, its title is the current one. The
    embedded backend reads the database live and is not cached."""
    criteria = personal_mission_criteria(user, exclude_ids=_live_bid_missions(user))
    if criteria is None:
        return []
    if not backend().tracks_changes:
        return list(rank_missions(criteria, user, 1, limit).results)
    key = _for_you_key(user, criteria, limit)
    kept = cache.get(key)
    if kept is None:
        results = rank_missions(criteria, user, 1, limit).results
        kept = [(str(r.mission.id), r.score, r.distance_km, r.reasons, r.caveats) for r in results]
        cache.set(key, kept, timeout=FOR_YOU_SECONDS)
        return list(results)
    loaded = _open_missions([k[0] for k in kept], user)
    found = []
    for mission_id, score, distance_km, reasons, caveats in kept:
        mission = loaded.get(mission_id)
        if mission is None:  # closed since
            continue
        found.append(MissionResult(mission, score, distance_km, list(reasons), list(caveats)))
    return found


FOR_YOU_SECONDS = 120


def _for_you_key(user: User, criteria: ranking.MissionCriteria, limit: int) -> str:
    # `now` moves at every view and the vector follows the profile's text (in the criteria).
    fields = {
        f.name: getattr(criteria, f.name)
        for f in dataclasses.fields(criteria)
        if f.name not in ("now", "meaning")
    }
    fields["exclude_ids"] = sorted(criteria.exclude_ids)
    decided_from = repr((sorted(fields.items()), limit, current_locale()))
    digest = hashlib.sha256(decided_from.encode()).hexdigest()[:32]
    return f"for-you:{user.id}:{outbox.missions_version()}:{digest}"


# ----------------------------------------------------------------------------- maintenance
def reindex() -> list[ReindexReport]:
    """Rebuild the indices from the database (holding the drain lock), then drain."""
    from sqlalchemy.orm import Session

    engine = db.engine
    search = backend()
    with engine.connect() as lock_conn, outbox.exclusive(lock_conn), engine.connect() as conn:
        session = Session(bind=conn)
        reports = search.reindex(session)
        session.close()
    outbox.missions_changed()  # rankings cached against the old index are dropped
    if search.tracks_changes:
        outbox.drain(search, engine, wait=True)
    return reports


def drain() -> outbox.DrainResult:
    return outbox.drain(backend(), db.engine, wait=True)
