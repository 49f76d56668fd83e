"""Bidding on a mission, withdrawing a bid, and accepting one (which makes the contract)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import Role, User
from marketplace.bids.models import LIVE_BID_STATUSES, Bid, BidStatus
from marketplace.config import Settings
from marketplace.contracts.models import Contract, ContractEvent, ContractStatus
from marketplace.db import execute_update, utcnow
from marketplace.errors import Conflict, FieldErrors, Forbidden, InvalidTransition, NotFound
from marketplace.extensions import db
from marketplace.missions.models import Mission, MissionStatus
from marketplace.missions.services import STATUS_LABELS as MISSION_LABELS
from marketplace.missions.services import nda_accepted
from marketplace.payments.ledger import commission_for
from marketplace.profiles.models import SecretaryProfile

STATUS_LABELS = {
    BidStatus.PENDING: _l("en attente"),
    BidStatus.ACCEPTED: _l("acceptée"),
    BidStatus.DECLINED: _l("déclinée"),
    BidStatus.WITHDRAWN: _l("retirée"),
}


class NdaRequired(Conflict):
    code = "nda_required"


class AlreadyBid(Conflict):
    code = "already_bid"


def place_bid(mission: Mission, user: User, data: dict[str, Any]) -> Bid:
    if user.role is not Role.SECRETARY:
        raise Forbidden()
    if db.session.get(SecretaryProfile, user.id) is None:
        raise Conflict(_("Complétez votre profil avant de proposer un devis."))
    if mission.status is not MissionStatus.OPEN:
        raise InvalidTransition(_("la mission"), "bid", MISSION_LABELS[mission.status])
    if mission.confidential and not nda_accepted(mission, user):
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
    bid = Bid(
        mission_id=mission.id,
        secretary_id=user.id,
        amount_cents=data["amount_cents"],
        estimated_hours=data.get("estimated_hours"),
        start_date=start,
        message=(data.get("message") or "").strip(),
    )
    db.session.add(bid)
    try:
        db.session.commit()  # the partial unique index settles a race between two submits
    except IntegrityError:
        db.session.rollback()
        raise AlreadyBid(_("Vous avez déjà un devis en cours sur cette mission.")) from None
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
    query = sa.select(Bid).where(Bid.mission_id == mission.id).order_by(Bid.created_at)
    if user.role is Role.SECRETARY:
        query = query.where(Bid.secretary_id == user.id)
    elif not (user.role is Role.OPERATOR or mission.business_id == user.id):
        raise NotFound(_("Mission introuvable."))
    return list(db.session.scalars(query))


def bids_of(user: User) -> sa.Select[tuple[Bid]]:
    return sa.select(Bid).where(Bid.secretary_id == user.id).order_by(Bid.created_at.desc())


def _conditional_status(bid: Bid, expected: BidStatus, new: BidStatus) -> bool:
    result = execute_update(
        sa.update(Bid)
        .where(Bid.id == bid.id, Bid.status == expected)
        .values(status=new, decided_at=utcnow())
    )
    return result == 1


def withdraw(bid: Bid, user: User) -> Bid:
    if user.role is not Role.SECRETARY:
        raise Forbidden()
    if bid.secretary_id != user.id:
        raise NotFound(_("Devis introuvable."))
    if not _conditional_status(bid, BidStatus.PENDING, BidStatus.WITHDRAWN):
        db.session.rollback()
        db.session.refresh(bid)
        raise InvalidTransition(_("le devis"), "withdraw", STATUS_LABELS[bid.status])
    db.session.commit()
    db.session.refresh(bid)
    return bid


def decline_pending_bids(mission_id: uuid.UUID, except_bid: uuid.UUID | None = None) -> None:
    query = sa.update(Bid).where(Bid.mission_id == mission_id, Bid.status == BidStatus.PENDING)
    if except_bid is not None:
        query = query.where(Bid.id != except_bid)
    db.session.execute(
        query.values(status=BidStatus.DECLINED, decided_at=utcnow()).execution_options(
            synchronize_session=False
        )
    )


def accept(bid: Bid, user: User) -> Contract:
    """Hire: the mission leaves `open`, the other pending bids are declined, a contract is made.

    The mission is claimed first with a conditional UPDATE, so of two concurrent
    accepts on the same mission exactly one gets the row; the other sees it is
    no longer open and is refused (409).
    """
    if user.role is not Role.BUSINESS:
        raise Forbidden()
    mission = bid.mission
    if mission.business_id != user.id:
        raise NotFound(_("Devis introuvable."))
    if bid.status is not BidStatus.PENDING:
        raise InvalidTransition(_("le devis"), "accept", STATUS_LABELS[bid.status])
    claimed = execute_update(
        sa.update(Mission)
        .where(Mission.id == mission.id, Mission.status == MissionStatus.OPEN)
        .values(status=MissionStatus.HIRED, closed_at=utcnow())
    )
    if claimed != 1:
        db.session.rollback()
        db.session.refresh(mission)
        raise InvalidTransition(_("la mission"), "accept", MISSION_LABELS[mission.status])
    if not _conditional_status(bid, BidStatus.PENDING, BidStatus.ACCEPTED):
        db.session.rollback()
        db.session.refresh(bid)
        raise InvalidTransition(_("le devis"), "accept", STATUS_LABELS[bid.status])
    decline_pending_bids(mission.id, except_bid=bid.id)
    settings: Settings = current_app.config["MARKETPLACE_SETTINGS"]
    commission = commission_for(bid.amount_cents, settings.commission_basis_points)
    contract = Contract(
        mission_id=mission.id,
        bid_id=bid.id,
        business_id=mission.business_id,
        secretary_id=bid.secretary_id,
        status=ContractStatus.AWAITING_FUNDING,
        amount_cents=bid.amount_cents,
        commission_basis_points=settings.commission_basis_points,
        commission_cents=commission,
        payout_cents=bid.amount_cents - commission,
        payment_provider=settings.payments_provider,
    )
    db.session.add(contract)
    db.session.flush()
    db.session.add(
        ContractEvent(
            contract_id=contract.id,
            actor_id=user.id,
            action="accept_bid",
            from_status=None,
            to_status=ContractStatus.AWAITING_FUNDING.value,
        )
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise InvalidTransition(
            _("la mission"), "accept", MISSION_LABELS[MissionStatus.HIRED]
        ) from None
    db.session.refresh(bid)
    return contract
