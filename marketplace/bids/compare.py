"""Quotes side by side: what a business weighs when it chooses between bids on its mission.

For each bid: the price as quoted, its hourly equivalent (the quoted rate, or the amount over
the hours she estimates, else over the mission's), the secretary's published rating, her
distance from the mission's place, when she can start and, for regular work with weekly
slots, the share of those slots her own cover. Sorting is the business's choice
(`SORTS`); every figure comes from three queries whatever the number of bids.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from marketplace import slots
from marketplace.bids.models import Bid
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.geo.places import distance_km
from marketplace.missions.models import Mission
from marketplace.profiles.models import SecretaryProfile
from marketplace.reviews.models import Review
from marketplace.reviews.services import published_clause

SORTS = ("received", "price", "hourly", "rating", "distance", "start")


@dataclass(frozen=True)
class QuoteFacts:
    bid: Bid
    hourly_equivalent_cents: int | None
    rating_avg: float | None
    rating_count: int
    distance_km: float | None
    can_start_on: date | None  # her bid's start date, else the date her profile gives
    slot_coverage_percent: int | None  # regular work with slots, when she has given hers

    def key(self, sort: str) -> tuple[object, ...]:
        """Best first for each sort; unknown figures last, then the order received."""
        received = self.bid.created_at
        if sort == "price":
            return (self.bid.amount_cents, received)
        if sort == "hourly":
            value = self.hourly_equivalent_cents
            return (value is None, value or 0, received)
        if sort == "rating":
            return (self.rating_avg is None, -(self.rating_avg or 0), -self.rating_count, received)
        if sort == "distance":
            return (self.distance_km is None, self.distance_km or 0.0, received)
        if sort == "start":
            return (self.can_start_on is None, self.can_start_on or date.min, received)
        return (received,)


def hourly_equivalent(bid: Bid, mission: Mission) -> int | None:
    if bid.hourly_rate_cents:
        return bid.hourly_rate_cents
    hours = bid.estimated_hours or mission.estimated_hours
    if hours:
        return round(bid.amount_cents / hours)
    return None


def compare(mission: Mission, bids: Sequence[Bid], sort: str = "received") -> list[QuoteFacts]:
    """The bids' facts, sorted (`sort` one of SORTS; anything else keeps the order received)."""
    ids = list({bid.secretary_id for bid in bids})
    profiles: dict[uuid.UUID, SecretaryProfile] = {}
    ratings: dict[uuid.UUID, tuple[float, int]] = {}
    if ids:
        profiles = {
            p.user_id: p
            for p in db.session.scalars(
                sa.select(SecretaryProfile).where(SecretaryProfile.user_id.in_(ids))
            )
        }
        rows = db.session.execute(
            sa.select(Review.subject_id, sa.func.avg(Review.rating), sa.func.count(Review.id))
            .where(Review.subject_id.in_(ids), published_clause(utcnow()))
            .group_by(Review.subject_id)
        )
        ratings = {subject: (round(float(avg), 2), int(n)) for subject, avg, n in rows}
    needed = list(mission.weekly_slots or [])
    facts = []
    for bid in bids:
        profile = profiles.get(bid.secretary_id)
        avg, count = ratings.get(bid.secretary_id, (None, 0))
        km = None
        if profile is not None and None not in (profile.lat, profile.lon, mission.lat, mission.lon):
            km = round(distance_km(mission.lat, mission.lon, profile.lat, profile.lon), 1)
        coverage = None
        if needed and profile is not None and profile.slots:
            coverage = slots.coverage_percent(needed, profile.slots)
        facts.append(
            QuoteFacts(
                bid=bid,
                hourly_equivalent_cents=hourly_equivalent(bid, mission),
                rating_avg=avg,
                rating_count=count,
                distance_km=km,
                can_start_on=bid.start_date or (profile.available_from if profile else None),
                slot_coverage_percent=coverage,
            )
        )
    chosen = sort if sort in SORTS else "received"
    return sorted(facts, key=lambda f: f.key(chosen))
