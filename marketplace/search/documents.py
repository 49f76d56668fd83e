"""Search documents built from the database: what is indexed, and what the embedded backend ranks.

One secretary document per active secretary with a profile, one mission document per open
mission. Ratings (published reviews only) and completed contracts (released or resolved)
are computed here, in bulk, with the same rules as the public profile.
"""

from __future__ import annotations

import functools
import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.badges.services import Facts, latest_attestations
from marketplace.contracts.models import Contract, ContractStatus
from marketplace.db import utcnow
from marketplace.geo.places import EARTH_RADIUS_KM, all_postal_codes, distance_km, lookup
from marketplace.missions.models import Mission, MissionStatus
from marketplace.payments.models import PayoutAccount
from marketplace.profiles.models import SecretaryProfile
from marketplace.reviews.models import Review
from marketplace.reviews.services import published_clause
from marketplace.search import embeddings, ranking, text
from marketplace.slots import cells as slot_cells
from marketplace.taxonomy import LANGUAGES, SKILLS, SPECIALTIES, Term

Doc = dict[str, Any]

COMPLETED = (ContractStatus.RELEASED, ContractStatus.RESOLVED)

_TERMS = {t.code: t for t in (*SPECIALTIES, *SKILLS, *LANGUAGES)}


def _labels(codes: Iterable[str]) -> str:
    found: list[Term] = [_TERMS[c] for c in codes if c in _TERMS]
    return " ".join(f"{t.fr} {t.en}" for t in found)


@functools.lru_cache(maxsize=8_192)
def _cached_terms(*parts: str) -> str:
    """Terms of short, often repeated parts (labels, places): computed once."""
    return text.indexed(*parts)


def _label_terms(codes: Iterable[str]) -> str:
    return _cached_terms(_labels(codes))


# ----------------------------------------------------------------------------- on-site reach
_CELL = 4  # grid cells of 1/4 degree
_KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180


@functools.cache
def _grid() -> dict[tuple[int, int], list[tuple[str, float, float]]]:
    grid: dict[tuple[int, int], list[tuple[str, float, float]]] = defaultdict(list)
    for code in all_postal_codes():
        place = lookup(code)
        if place is not None:
            key = (math.floor(place.lat * _CELL), math.floor(place.lon * _CELL))
            grid[key].append((code, place.lat, place.lon))
    return dict(grid)


def warm_up() -> None:
    """Load the postal-code grid now (it takes a second the first time)."""
    _grid()


@functools.lru_cache(maxsize=65_536)
def reachable_postal_codes(lat: float, lon: float, radius_km: int) -> tuple[str, ...]:
    """Postal codes whose place is within `radius_km` of (lat, lon): `plan.Reaches` indexed.

    The decision is the exact one of `Reaches.test` (haversine from the postal code's place
    to the secretary); a flat-earth estimate only settles the places clearly inside or
    outside (more than 2 % + 1 km from the circle), which it does far faster.
    """
    if radius_km <= 0:
        return ()
    dlat = radius_km / 110.0 + 0.05
    dlon = (
        radius_km / (110.0 * max(0.05, math.cos(math.radians(min(89.0, abs(lat) + dlat))))) + 0.05
    )
    inner2 = max(0.0, radius_km * 0.98 - 1.0) ** 2
    outer2 = (radius_km * 1.02 + 1.0) ** 2
    found = []
    grid = _grid()
    cos, radians = math.cos, math.radians
    for i in range(math.floor((lat - dlat) * _CELL), math.floor((lat + dlat) * _CELL) + 1):
        for j in range(math.floor((lon - dlon) * _CELL), math.floor((lon + dlon) * _CELL) + 1):
            for code, plat, plon in grid.get((i, j), ()):
                dy = (plat - lat) * _KM_PER_DEGREE
                dx = (plon - lon) * _KM_PER_DEGREE * cos(radians((plat + lat) / 2))
                d2 = dx * dx + dy * dy
                if d2 <= inner2 or (
                    d2 <= outer2 and distance_km(plat, plon, lat, lon) <= radius_km
                ):
                    found.append(code)
    return tuple(sorted(found))


# ----------------------------------------------------------------------------- secretaries
def _secretary_stats(ids: Sequence[uuid.UUID] | None, now: datetime) -> tuple[Any, Any]:
    ratings = sa.select(
        Review.subject_id.label("sid"),
        sa.func.count(Review.id).label("n"),
        sa.func.sum(Review.rating).label("total"),
    ).where(published_clause(now))
    completed = sa.select(
        Contract.secretary_id.label("sid"), sa.func.count(Contract.id).label("n")
    ).where(Contract.status.in_(COMPLETED))
    if ids is not None:
        ratings = ratings.where(Review.subject_id.in_(ids))
        completed = completed.where(Contract.secretary_id.in_(ids))
    return (
        ratings.group_by(Review.subject_id).subquery("ratings"),
        completed.group_by(Contract.secretary_id).subquery("completed"),
    )


SECRETARY_COLUMNS = (
    SecretaryProfile.user_id,
    User.display_name,
    SecretaryProfile.specialties,
    SecretaryProfile.skills,
    SecretaryProfile.hourly_rate_cents,
    SecretaryProfile.surcharge_percent,
    SecretaryProfile.evening_surcharge_percent,
    SecretaryProfile.weekend_surcharge_percent,
    SecretaryProfile.remote,
    SecretaryProfile.onsite_radius_km,
    SecretaryProfile.languages,
    SecretaryProfile.weekdays,
    SecretaryProfile.slots,
    SecretaryProfile.hours_per_week,
    SecretaryProfile.available_from,
    SecretaryProfile.postal_code,
    SecretaryProfile.country,
    SecretaryProfile.city,
    SecretaryProfile.department_code,
    SecretaryProfile.department,
    SecretaryProfile.region,
    SecretaryProfile.lat,
    SecretaryProfile.lon,
    SecretaryProfile.updated_at,
    (SecretaryProfile.siret.is_not(None)).label("has_siret"),
)
TEXT_COLUMNS = (SecretaryProfile.headline, SecretaryProfile.bio)


def secretary_select(
    ids: Sequence[uuid.UUID] | None = None,
    *,
    with_text: bool = True,
    now: datetime | None = None,
    columns: Sequence[Any] | None = None,
) -> sa.Select[Any]:
    """Active secretaries with a profile, with their rating sums and completed contracts.

    With the profile columns come what her badges are decided from (`badge_facts`): her
    payout account and her latest attestation. `columns` replaces the profile columns (the
    embedded backend asks only for the id and `updated_at`, and takes the rest from its
    cache of static documents), without them.
    """
    ratings, completed = _secretary_stats(ids, now or utcnow())
    with_badges = columns is None
    if columns is None:
        columns = (*SECRETARY_COLUMNS, *(TEXT_COLUMNS if with_text else ()))
    attestations = latest_attestations(ids) if with_badges else None
    badge_columns = (
        (
            SecretaryProfile.siret,
            PayoutAccount.provider.label("payout_provider"),
            PayoutAccount.payouts_enabled,
            PayoutAccount.details_submitted,
            attestations.c.expires_on.label("attestation_expires_on"),
        )
        if attestations is not None
        else ()
    )
    query = (
        sa.select(
            *columns,
            *badge_columns,
            sa.func.coalesce(ratings.c.n, 0).label("rating_count"),
            sa.func.coalesce(ratings.c.total, 0).label("rating_total"),
            sa.func.coalesce(completed.c.n, 0).label("completed_contracts"),
        )
        .join(User, User.id == SecretaryProfile.user_id)
        .outerjoin(ratings, ratings.c.sid == SecretaryProfile.user_id)
        .outerjoin(completed, completed.c.sid == SecretaryProfile.user_id)
        .where(User.is_suspended.is_(False))
    )
    if attestations is not None:
        query = query.outerjoin(
            PayoutAccount, PayoutAccount.user_id == SecretaryProfile.user_id
        ).outerjoin(attestations, attestations.c.sid == SecretaryProfile.user_id)
    if ids is not None:
        query = query.where(SecretaryProfile.user_id.in_(ids))
    return query


def badge_facts(row: Any) -> Doc:
    """What her badges are decided from, as the documents keep it (`badges.services`)."""
    return Facts.of(
        row.siret,
        row.payout_provider,
        row.payouts_enabled,
        row.details_submitted,
        row.attestation_expires_on,
    ).as_doc()


def secretary_text(headline: str, bio: str, row: Any) -> tuple[str, str]:
    """(title terms, body terms); terms of joined parts are the joined terms of the parts."""
    body = (
        text.indexed(bio),
        _label_terms(row.specialties),
        _label_terms(row.skills),
        _label_terms(row.languages),
        _cached_terms(row.city, row.department, row.region),
    )
    return text.indexed(headline), " ".join(part for part in body if part)


def secretary_card(row: Any, headline: str, bio: str) -> Doc:
    """The secretary as search results show her: `profiles.schemas.SecretaryCard`, written
    by hand for speed (why: that schema's docstring; tests/search/test_card.py checks both
    give the same JSON)."""
    count = int(row.rating_count)
    return {
        "id": str(row.user_id),
        "display_name": row.display_name,
        "headline": headline,
        "bio": bio,
        "specialties": list(row.specialties),
        "skills": list(row.skills),
        "hourly_rate_cents": row.hourly_rate_cents,
        "surcharge_percent": row.surcharge_percent,
        "evening_surcharge_percent": row.evening_surcharge_percent,
        "weekend_surcharge_percent": row.weekend_surcharge_percent,
        "remote": row.remote,
        "onsite_radius_km": row.onsite_radius_km,
        "languages": list(row.languages),
        "availability": {
            "weekdays": list(row.weekdays),
            "hours_per_week": row.hours_per_week,
            "available_from": row.available_from.isoformat() if row.available_from else None,
            "slots": list(row.slots),
        },
        "has_siret": bool(row.has_siret),
        "postal_code": row.postal_code,
        "country": row.country,
        "city": row.city,
        "department_code": row.department_code,
        "department": row.department,
        "region": row.region,
        "lat": row.lat,
        "lon": row.lon,
        "rating_avg": round(float(row.rating_total) / count, 2) if count else None,
        "rating_count": count,
        "completed_contracts": int(row.completed_contracts),
    }


def static_secretary_doc(row: Any) -> Doc:
    """What only changes with the profile itself (cached by `updated_at` in the embedded
    backend): everything but the rating and contract figures, the card and the reach."""
    title_terms, text_terms = secretary_text(row.headline, row.bio, row)
    return {
        "id": str(row.user_id),
        "specialties": list(row.specialties),
        "skills": list(row.skills),
        "languages": list(row.languages),
        "weekdays": list(row.weekdays),
        "slots": list(row.slots),
        "slot_cells": slot_cells(row.slots),
        "location": {"lat": row.lat, "lon": row.lon},
        "postal_code": row.postal_code,
        "department_code": row.department_code,
        "hourly_rate_cents": row.hourly_rate_cents,
        "urgent_rate_cents": ranking.urgent_rate(row.hourly_rate_cents, row.surcharge_percent),
        "evening_rate_cents": ranking.urgent_rate(
            row.hourly_rate_cents, row.evening_surcharge_percent
        ),
        "weekend_rate_cents": ranking.urgent_rate(
            row.hourly_rate_cents, row.weekend_surcharge_percent
        ),
        "surcharge_percent": row.surcharge_percent,
        "remote": row.remote,
        "onsite_radius_km": row.onsite_radius_km,
        "available_from": row.available_from.isoformat() if row.available_from else None,
        "hours_per_week": row.hours_per_week,
        "title_terms": title_terms,
        "text_terms": text_terms,
        "updated_at": row.updated_at.isoformat(),
    }


def with_stats(doc: Doc, count: int, total: float, completed: int) -> Doc:
    """The document with its (published) rating and completed-contract figures."""
    doc["rating_avg"] = round(total / count, 2) if count else None
    doc["rating_count"] = count
    doc["completed_contracts"] = completed
    doc["rating_score"] = ranking.rating_score(count, total)
    doc["experience_score"] = ranking.experience_score(completed)
    return doc


def meaning_vectors(rows: Sequence[Any]) -> list[Any]:
    """The sentence embedding of each profile (headline and bio), in one batch; Nones when
    embeddings are off."""
    if not embeddings.enabled():
        return [None] * len(rows)
    return embeddings.encode([embeddings.profile_text(r.headline, r.bio) for r in rows])


def secretary_doc(row: Any, vector: Any = None) -> Doc:
    """The indexed document (the Elasticsearch `_source`); `row` from `secretary_select()`,
    `vector` its `meaning_vectors()` (indexed as a `dense_vector` and, for the re-ranking
    in Python, as its bytes in base64)."""
    doc = with_stats(
        static_secretary_doc(row),
        int(row.rating_count),
        float(row.rating_total),
        int(row.completed_contracts),
    )
    doc["card"] = secretary_card(row, row.headline, row.bio)
    doc["badge_facts"] = badge_facts(row)
    doc["onsite_postal_codes"] = list(
        reachable_postal_codes(row.lat, row.lon, int(row.onsite_radius_km or 0))
    )
    return with_meaning(doc, vector)


def secretary_docs(session: Session, ids: Sequence[uuid.UUID]) -> dict[str, Doc]:
    """Documents for these secretaries; an id missing from the answer is to be deleted."""
    if not ids:
        return {}
    rows = session.execute(secretary_select(list(ids))).all()
    vectors = meaning_vectors(rows)
    return {
        str(row.user_id): secretary_doc(row, vector)
        for row, vector in zip(rows, vectors, strict=True)
    }


# ----------------------------------------------------------------------------- missions
MISSION_COLUMNS = (
    Mission.id,
    Mission.business_id,
    Mission.title,
    Mission.description,
    Mission.specialty,
    Mission.skills,
    Mission.pricing,
    Mission.budget_cents,
    Mission.estimated_hours,
    Mission.schedule,
    Mission.hours_per_period,
    Mission.weekly_slots,
    Mission.remote_ok,
    Mission.start_date,
    Mission.end_date,
    Mission.urgent,
    Mission.confidential,
    Mission.created_at,
    Mission.postal_code,
    Mission.department_code,
    Mission.city,
    Mission.department,
    Mission.region,
    Mission.lat,
    Mission.lon,
)


def mission_select(ids: Sequence[uuid.UUID] | None = None) -> sa.Select[Any]:
    columns: tuple[Any, ...] = MISSION_COLUMNS
    query = sa.select(*columns).where(Mission.status == MissionStatus.OPEN)
    if ids is not None:
        query = query.where(Mission.id.in_(ids))
    return query


def mission_doc(row: Any) -> Doc:
    # A confidential mission's description is not searchable: a match would reveal it.
    body = " ".join(
        part
        for part in (
            "" if row.confidential else text.indexed(row.description),
            _label_terms([row.specialty]),
            _label_terms(row.skills),
            _cached_terms(row.city, row.department, row.region),
        )
        if part
    )
    start: date = row.start_date
    days = ranking.needed_days(row)
    skills = list(row.skills)
    return {
        "id": str(row.id),
        "business_id": str(row.business_id),
        "specialty": row.specialty,
        "skills": skills,
        "skills_count": min(len(skills), ranking.SKILLS_CAP),
        "days": days,
        "days_count": len(days),
        "schedule": getattr(row.schedule, "value", row.schedule),
        "slots": list(row.weekly_slots or []),
        "location": {"lat": row.lat, "lon": row.lon},
        "postal_code": row.postal_code,
        "department_code": row.department_code,
        "remote_ok": row.remote_ok,
        "urgent": row.urgent,
        "confidential": row.confidential,
        "budget_cents": row.budget_cents,
        "budget_rate_cents": ranking.hourly_budget(row.budget_cents, ranking.budget_hours(row)),
        "start_date": start.isoformat(),
        "end_date": row.end_date.isoformat() if row.end_date else None,
        "created_at": row.created_at.isoformat(),
        "title_terms": text.indexed(row.title),
        "text_terms": body,
    }


def mission_vectors(rows: Sequence[Any]) -> list[Any]:
    """The sentence embedding of each mission (title, and description unless confidential),
    in one batch; Nones when embeddings are off. Encoded at index time, so a mission's
    matches read the vector from `search_embeddings` instead of encoding it in the request,
    and secretaries' searches rank missions by it."""
    if not embeddings.enabled() or not rows:
        return [None] * len(rows)
    return embeddings.encode(
        [embeddings.mission_text(r.title, r.description, r.confidential) for r in rows]
    )


def with_meaning(doc: Doc, vector: Any) -> Doc:
    """The indexed document with its vector: as a `dense_vector` for kNN and, for the
    re-ranking in Python, as its bytes in base64."""
    if vector is not None:
        doc["meaning"] = vector.tolist()
        doc["meaning_bytes"] = embeddings.to_text(vector)
    return doc


def mission_docs(session: Session, ids: Sequence[uuid.UUID]) -> dict[str, Doc]:
    if not ids:
        return {}
    rows = session.execute(mission_select(list(ids))).all()
    return {
        str(row.id): with_meaning(mission_doc(row), vector)
        for row, vector in zip(rows, mission_vectors(rows), strict=True)
    }


def all_ids(session: Session, entity: str) -> list[uuid.UUID]:
    """Ids of every document to index (active secretaries with a profile, open missions)."""
    if entity == "secretary":
        query = (
            sa.select(SecretaryProfile.user_id)
            .join(User, User.id == SecretaryProfile.user_id)
            .where(User.is_suspended.is_(False))
            .order_by(SecretaryProfile.user_id)
        )
    else:
        query = (
            sa.select(Mission.id).where(Mission.status == MissionStatus.OPEN).order_by(Mission.id)
        )
    return list(session.scalars(query))
