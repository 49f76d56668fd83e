"""Bids API: a secretary's quotes on missions. Accepting one is the contract's business
(`POST /bids/{id}/accept`, in marketplace/contracts/api.py)."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from flask.views import MethodView

from marketplace.accounts.auth import api_user
from marketplace.accounts.models import Role
from marketplace.bids import compare, services
from marketplace.bids.models import Bid
from marketplace.bids.schemas import BidIn, BidOut, BidPage, MissionBidOut, MissionBidsQuery
from marketplace.http import Blueprint
from marketplace.missions import services as missions
from marketplace.pagination import SelectPage

blp = Blueprint("bids", __name__, url_prefix="/api/v1", description="Bids (devis)")


class _Listed:
    """A bid as the mission's list shows it: its own fields and, for the owner, its facts."""

    def __init__(self, bid: Bid, comparison: compare.QuoteFacts | None) -> None:
        self._bid = bid
        self.comparison = comparison

    def __getattr__(self, name: str) -> Any:
        return getattr(self._bid, name)


@blp.route("/missions/<uuid:mission_id>/bids")
class MissionBids(MethodView):
    @blp.arguments(MissionBidsQuery, location="query")
    @blp.response(200, MissionBidOut(many=True))
    def get(self, args: dict[str, Any], mission_id: uuid.UUID) -> list[_Listed]:
        """The owner sees every bid, each with what to compare it on (`comparison`: hourly
        equivalent, rating, distance, start, slot coverage), sorted by `sort`; a secretary
        sees her own."""
        user = api_user()
        mission = missions.visible_mission(user, mission_id)
        found = services.bids_on(mission, user)
        if user.role is Role.SECRETARY:
            return [_Listed(bid, None) for bid in found]
        return [
            _Listed(facts.bid, facts) for facts in compare.compare(mission, found, args["sort"])
        ]

    @blp.arguments(BidIn)
    @blp.response(201, BidOut)
    def post(self, data: dict[str, Any], mission_id: uuid.UUID) -> Bid:
        """Bid on an open mission (secretary). One live bid per secretary per mission."""
        user = api_user(Role.SECRETARY)
        mission = missions.visible_mission(user, mission_id)
        return services.place_bid(mission, user, data)


@blp.route("/me/bids")
class MyBids(MethodView):
    @blp.response(200, BidPage)
    @blp.paginate(SelectPage)
    def get(self) -> sa.Select[tuple[Bid]]:
        """The calling secretary's bids, newest first."""
        return services.bids_of(api_user(Role.SECRETARY))


@blp.route("/bids/<uuid:bid_id>")
class BidItem(MethodView):
    @blp.response(200, BidOut)
    def get(self, bid_id: uuid.UUID) -> Bid:
        """A bid (its author, the mission owner, an operator)."""
        return services.visible_bid(api_user(), bid_id)


@blp.route("/bids/<uuid:bid_id>/withdraw")
class BidWithdraw(MethodView):
    @blp.response(200, BidOut)
    def post(self, bid_id: uuid.UUID) -> Bid:
        """Withdraw a pending bid (its author)."""
        user = api_user(Role.SECRETARY)
        return services.withdraw(services.visible_bid(user, bid_id), user)
