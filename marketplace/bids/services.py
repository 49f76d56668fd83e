"""Bidding on a mission, withdrawing a bid, and accepting one.

Bids sit above missions: what depends on who quoted (a closed mission's pending bids
declined, a bidder still seeing a mission that closed) is registered here as hooks of
`missions.services`, which never imports bids. The contract made from an accepted bid
is the contracts domain's (`contracts.services.hire`).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from marketplace.accounts.models import Role, User
from marketplace.accounts.services import require_verified_email
from marketplace.bids.models import BID, LIVE_BID_STATUSES, Bid, BidMilestone, BidStatus
from marketplace.db import utcnow
from marketplace.errors import Conflict, FieldErrors, Forbidden, NotFound
from marketplace.extensions import db
from marketplace.missions import services as missions
from marketplace.missions.models import MISSION, Invitation, Mission, Pricing, Schedule
from marketplace.notifications.services import notify
from marketplace.profiles.models import SecretaryProfile
from marketplace.urls import path_for


class NdaRequired(Conflict):
    code = "nda_required"


class AlreadyBid(Conflict):
    code = "already_bid"


def _price(mission: Mission, data: dict[str, Any]) -> tuple[int, int | None, float | None]:
    """The bid's amount, hourly rate and hours per period, by the mission's kind of work:
    a fixed one-off mission takes an amount; hourly or recurring work an hourly rate (the
    amount is then what the hours come to: the estimate, or one period's hours)."""
    recurring = mission.schedule is Schedule.RECURRING
    rate = data.get("hourly_rate_cents")
    if not recurring and mission.pricing is Pricing.FIXED:
        if data.get("amount_cents") is None:
            raise FieldErrors({"amount_cents": _("Indiquez le montant de votre devis.")})
        return data["amount_cents"], None, None
    hours = (
        data.get("hours_per_period") or mission.hours_per_period
        if recurring
        else data.get("estimated_hours") or mission.estimated_hours
    )
    if rate is None:
        amount = data.get("amount_cents")
        if amount is None or not hours:
            raise FieldErrors({"hourly_rate_cents": _("Indiquez votre tarif horaire.")})
        return amount, max(500, round(amount / hours)), data.get("hours_per_period")
    if not hours:
        field = "hours_per_period" if recurring else "estimated_hours"
        raise FieldErrors({field: _("Indiquez le nombre d'heures.")})
    amount = (rate * round(hours * 60) + 30) // 60
    if amount < 1_000:
        raise FieldErrors({"hourly_rate_cents": _("Le devis doit faire au moins 10 €.")})
    return amount, rate, (hours if recurring else None)


MIN_MILESTONES, MAX_MILESTONES = 2, 10


def _milestones(
    mission: Mission, amount: int, items: list[dict[str, Any]] | None
) -> list[BidMilestone]:
    """A fixed-price quote split into milestones: 2 to 10, adding up to the amount, due
    dates not past and in order (422 naming `milestones` otherwise)."""
    if not items:
        return []

    def refuse(message: str) -> FieldErrors:
        return FieldErrors({"milestones": message})

    if mission.schedule is Schedule.RECURRING or mission.pricing is not Pricing.FIXED:
        raise refuse(_("Les jalons sont réservés aux missions au forfait."))
    if not MIN_MILESTONES <= len(items) <= MAX_MILESTONES:
        raise refuse(
            _(
                "Un devis par jalons en compte de %(min)s à %(max)s.",
                min=MIN_MILESTONES,
                max=MAX_MILESTONES,
            )
        )
    if sum(item["amount_cents"] for item in items) != amount:
        raise refuse(_("Les montants des jalons doivent faire le montant du devis."))
    dues = [item["due_date"] for item in items]
    if min(dues) < date.today():
        raise refuse(_("L'échéance d'un jalon ne peut pas être passée."))
    if dues != sorted(dues):
        raise refuse(_("Les échéances des jalons doivent se suivre dans l'ordre."))
    return [
        BidMilestone(
            position=i,
            title=item["title"].strip(),
            amount_cents=item["amount_cents"],
            due_date=item["due_date"],
        )
        for i, item in enumerate(items, start=1)
    ]


def place_bid(mission: Mission, user: User, data: dict[str, Any]) -> Bid:
    if user.role is not Role.SECRETARY:
        raise Forbidden()
    require_verified_email(user)
    if db.session.get(SecretaryProfile, user.id) is None:
        raise Conflict(_("Complétez votre profil avant de proposer un devis."))
    MISSION.target("bid", mission.status)
    if mission.confidential and not missions.nda_accepted(mission, user):
        raise NdaRequired(_("Acceptez l'accord de confidentialité avant de proposer un devis."))
    start = data.get("start_date")
    if start is not None and start < date.today():
        raise FieldErrors({"start_date": _("La date de début ne peut pas être passée.")})
    live = db.session.scalar(
        sa.select(Bid.id).where(
            Bid.mission_id == mission.id,
            Bid.secretary_id == user.id,
            Bid.status.in_(LIVE_BID_STATUSES),
        )
    )
    if live is not None:
        raise AlreadyBid(_("Vous avez déjà un devis en cours sur cette mission."))
    amount, rate, per_period = _price(mission, data)
    steps = _milestones(mission, amount, data.get("milestones"))
    bid = Bid(
        mission_id=mission.id,
        secretary_id=user.id,
        amount_cents=amount,
        hourly_rate_cents=rate,
        hours_per_period=per_period,
        estimated_hours=data.get("estimated_hours"),
        start_date=start,
        message=(data.get("message") or "").strip(),
        milestones=steps,
    )
    db.session.add(bid)
    try:
        db.session.flush()  # the partial unique index settles a race between two submits
    except IntegrityError:
        db.session.rollback()
        raise AlreadyBid(_("Vous avez déjà un devis en cours sur cette mission.")) from None
    notify(
        mission.business_id,
        "bid_received",
        subject=("mission", mission.id),
        url=path_for("web.mission_detail", mission_id=mission.id),
        params={
            "secretary": user.display_name,
            "mission": mission.title,
            "amount_cents": amount,
        },
    )
    db.session.commit()
    return bid


def visible_bid(user: User, bid_id: uuid.UUID) -> Bid:
    bid = db.session.get(Bid, bid_id)
    if bid is None or not (
        user.role is Role.OPERATOR
        or bid.secretary_id == user.id
        or bid.mission.business_id == user.id
    ):
        raise NotFound(_("Devis introuvable."))
    return bid


def bids_on(mission: Mission, user: User) -> list[Bid]:
    query = (
        sa.select(Bid)
        .options(selectinload(Bid.milestones))
        .where(Bid.mission_id == mission.id)
        .order_by(Bid.created_at)
    )
    if user.role is Role.SECRETARY:
        query = query.where(Bid.secretary_id == user.id)
    elif not (user.role is Role.OPERATOR or mission.business_id == user.id):
        raise NotFound(_("Mission introuvable."))
    return list(db.session.scalars(query))


def bids_of(user: User) -> sa.Select[tuple[Bid]]:
    return (
        sa.select(Bid)
        .options(joinedload(Bid.mission), selectinload(Bid.milestones))
        .where(Bid.secretary_id == user.id)
        .order_by(Bid.created_at.desc())
    )


def withdraw(bid: Bid, user: User) -> Bid:
    if user.role is not Role.SECRETARY:
        raise Forbidden()
    if bid.secretary_id != user.id:
        raise NotFound(_("Devis introuvable."))
    BID.claim(bid, "withdraw", now=utcnow())
    db.session.commit()
    db.session.refresh(bid)
    return bid


@missions.on_close
def decline_pending_bids(mission_id: uuid.UUID, except_bid: uuid.UUID | None = None) -> int:
    """Every pending bid on the mission (but `except_bid`) declined, in the current transaction;
    run when a mission is hired or closed, so nobody waits for an answer."""
    where = [Bid.mission_id == mission_id, Bid.status == BidStatus.PENDING]
    if except_bid is not None:
        where.append(Bid.id != except_bid)
    waiting = list(
        db.session.execute(
            sa.select(Bid.secretary_id, Mission.title)
            .join(Mission, Mission.id == Bid.mission_id)
            .where(*where)
        )
    )
    declined = BID.claim_all("decline", *where, decided_at=utcnow())
    for secretary_id, title in waiting:
        notify(
            secretary_id,
            "bid_declined",
            subject=("mission", mission_id),
            url=path_for("web.mission_detail", mission_id=mission_id),
            params={"mission": title},
            dedupe_key=f"bid_declined:{mission_id}",
        )
    return declined


@missions.involvement
def has_bid(mission: Mission, user: User) -> bool:
    """A secretary who quoted on a mission may still see it after it closed."""
    found = db.session.scalar(
        sa.select(Bid.id).where(Bid.mission_id == mission.id, Bid.secretary_id == user.id).limit(1)
    )
    return found is not None


def accept(bid: Bid, user: User) -> Mission:
    """The business takes this quote: the mission is claimed `open → hired` and the bid
    `pending → accepted`, the other pending bids declined, all in the current transaction
    (the contract is made from it by `contracts.services.hire`, which commits).

    The mission is claimed first with a conditional UPDATE, so of two concurrent
    accepts on the same mission exactly one gets the row; the other sees it is
    no longer open and is refused (409).
    """
    if user.role is not Role.BUSINESS:
        raise Forbidden()
    mission = bid.mission
    if mission.business_id != user.id:
        raise NotFound(_("Devis introuvable."))
    BID.target("accept", bid.status)
    now = utcnow()
    MISSION.claim(mission, "hire", now=now)
    BID.claim(bid, "accept", now=now)
    decline_pending_bids(mission.id, except_bid=bid.id)
    return mission


def bid_counts(mission_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[int, int]]:
    """Per mission: (bids received, bids still waiting for an answer); withdrawn ones left out."""
    if not mission_ids:
        return {}
    rows = db.session.execute(
        sa.select(
            Bid.mission_id,
            sa.func.count(),
            sa.func.count().filter(Bid.status == BidStatus.PENDING),
        )
        .where(Bid.mission_id.in_(mission_ids), Bid.status != BidStatus.WITHDRAWN)
        .group_by(Bid.mission_id)
    )
    return {mission_id: (int(total), int(pending)) for mission_id, total, pending in rows}


def answerable_invitations(user: User, invitations: list[Invitation]) -> set[uuid.UUID]:
    """The invitations she can still answer with a quote: the mission takes bids and she
    has no live quote on it."""
    quoted = set(
        db.session.scalars(
            sa.select(Bid.mission_id).where(
                Bid.secretary_id == user.id, Bid.status.in_(LIVE_BID_STATUSES)
            )
        )
    )
    return {
        i.id
        for i in invitations
        if MISSION.allows("bid", i.mission.status) and i.mission_id not in quoted
    }
