"""The dashboard: what each role has going on, and what waits for them."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import render_template

from marketplace.accounts.models import Role, User
from marketplace.bids import services as bids
from marketplace.bids.models import Bid, BidStatus
from marketplace.contracts import services as contracts
from marketplace.contracts.models import Contract, ContractStatus
from marketplace.extensions import db
from marketplace.missions import services as missions
from marketplace.missions.models import Mission
from marketplace.pagination import paginate
from marketplace.profiles import services as profiles
from marketplace.web import bp, money
from marketplace.web.helpers import first_rows, signed_in
from marketplace.web.labels import Waiting, waiting_for

LIMIT = 50


@bp.get("/tableau-de-bord")
def dashboard() -> str:
    user = signed_in()
    if user.role is Role.BUSINESS:
        return _business(user)
    if user.role is Role.SECRETARY:
        return _secretary(user)
    return _operator(user)


def _contracts_with_next_step(user: User) -> list[tuple[Contract, Waiting]]:
    items: list[Contract] = first_rows(contracts.contracts_for(user), LIMIT)
    return [(contract, waiting_for(contract, user)) for contract in items]


def _bid_counts(mission_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[int, int]]:
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


def _business(user: User) -> str:
    own: list[Mission] = first_rows(missions.missions_of(user), LIMIT)
    return render_template(
        "dashboard/business.html",
        user=user,
        profile=profiles.own_profile(user),
        missions=own,
        bid_counts=_bid_counts([m.id for m in own]),
        contracts=_contracts_with_next_step(user),
        payments=money.business_payments(user),
    )


def _secretary(user: User) -> str:
    return render_template(
        "dashboard/secretary.html",
        user=user,
        profile=profiles.own_profile(user),
        invitations=first_rows(missions.invitations_for(user), LIMIT),
        bids=first_rows(bids.bids_of(user), LIMIT),
        contracts=_contracts_with_next_step(user),
        earnings=money.secretary_earnings(user),
    )


def _operator(user: User) -> str:
    disputed, _items = paginate(contracts.contracts_for(user, ContractStatus.DISPUTED), 1, 1)
    return render_template(
        "dashboard/operator.html",
        user=user,
        disputed_count=disputed,
        contracts=_contracts_with_next_step(user),
    )
