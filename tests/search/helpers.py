"""Builders for search tests: people and missions as factory rows, rating history in the ORM.

They are the data searches run on, not the flow under test, so they are written straight in
the database of the app `api` talks to (either backend: with Elasticsearch the outbox takes
them to the index after their commit), and handed back like the API builders' dicts.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from flask import Flask

from tests import factories

DAY = timedelta(days=1)


def secretary(api: Any, name: str | None = None, **profile: Any) -> dict[str, Any]:
    """A secretary with her profile; defaults: a remote medical secretary in Lyon 3e."""
    return factories.Rows(api.client.application).secretary(name, **profile)


def business(api: Any) -> dict[str, Any]:
    return factories.Rows(api.client.application).business()


def mission(api: Any, owner: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """An open mission (the defaults of `factories.mission_payload`)."""
    return factories.Rows(api.client.application).mission(owner, **overrides)


def next_weekday(weekday: int, after: int = 7) -> date:
    """A date at least `after` days away that falls on `weekday` (0 = Monday)."""
    day = date.today() + timedelta(days=after)
    while day.weekday() != weekday:
        day += DAY
    return day


def history(
    app: Flask, secretary_id: str, ratings: list[int], completed: int | None = None
) -> None:
    """Give a secretary finished contracts with published reviews (one per rating).

    Written with the ORM in one transaction (forty deals through the API would be slow);
    the rows are the ones the workflow leaves: a hired mission, an accepted bid, a released
    contract and the client's published review.
    """
    from marketplace.accounts.models import Role
    from marketplace.accounts.services import create_user
    from marketplace.bids.models import Bid, BidStatus
    from marketplace.contracts.models import Contract, ContractStatus
    from marketplace.db import utcnow
    from marketplace.extensions import db
    from marketplace.missions.models import Mission, MissionStatus, Pricing
    from marketplace.reviews.models import Review

    with app.app_context():
        client = create_user(
            f"client-{uuid.uuid4().hex[:8]}@exemple.fr",
            "motdepasse-solide",
            Role.BUSINESS,
            "Client",
        )
        db.session.flush()
        now = utcnow()
        count = max(len(ratings), completed or 0)
        for i in range(count):
            mission = Mission(
                business_id=client.id,
                title="Mission terminée",
                description="Une mission terminée pour l'historique de la secrétaire.",
                specialty="medical",
                skills=[],
                pricing=Pricing.FIXED,
                budget_cents=50_000,
                remote_ok=True,
                start_date=date.today(),
                status=MissionStatus.HIRED,
                postal_code="69003",
                country="FR",
                city="Lyon",
                department_code="69",
                department="Rhône",
                region="Auvergne-Rhône-Alpes",
                lat=45.76,
                lon=4.85,
            )
            db.session.add(mission)
            db.session.flush()
            bid = Bid(
                mission_id=mission.id,
                secretary_id=uuid.UUID(secretary_id),
                amount_cents=50_000,
                status=BidStatus.ACCEPTED,
            )
            db.session.add(bid)
            db.session.flush()
            contract = Contract(
                mission_id=mission.id,
                bid_id=bid.id,
                business_id=client.id,
                secretary_id=uuid.UUID(secretary_id),
                status=ContractStatus.RELEASED,
                amount_cents=50_000,
                commission_basis_points=1200,
                commission_cents=6_000,
                payout_cents=44_000,
                payment_provider="sandbox",
                released_at=now,
                review_deadline=now + 14 * DAY,
            )
            db.session.add(contract)
            db.session.flush()
            if i < len(ratings):
                db.session.add(
                    Review(
                        contract_id=contract.id,
                        author_id=client.id,
                        subject_id=uuid.UUID(secretary_id),
                        rating=ratings[i],
                        comment="",
                        published_at=now,
                    )
                )
        db.session.commit()


def ids(results: list[dict[str, Any]]) -> list[str]:
    return [r["secretary"]["id"] for r in results]


def rank_of(results: list[dict[str, Any]], user: dict[str, Any]) -> int:
    order = ids(results)
    assert user["id"] in order, f"{user['id']} not in results"
    return order.index(user["id"])
