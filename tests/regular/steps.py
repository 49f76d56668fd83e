"""Regular work over the public API: a recurring (or hourly) mission hired at an hourly rate.

`Engagement` posts the mission, bids with a rate, accepts, and drives periods and time
entries the way a client of API.md (Regular work) would. `travel` moves a period into the
past by rewriting its dates (and those of its entries), which is what a week going by does
to the rows; everything else goes through the API and the services' own jobs.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from marketplace.contracts.models import Contract, ContractPeriod, TimeEntry
from marketplace.extensions import db
from tests import factories as f

RATE = 3_000  # 30 EUR an hour
SURCHARGES = {
    "surcharge_percent": 50,
    "evening_surcharge_percent": 25,
    "weekend_surcharge_percent": 40,
}


def recurring_mission(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Permanence téléphonique du cabinet, chaque matin",
        "description": "Cabinet médical à Lyon : prise des appels et des rendez-vous du lundi "
        "au vendredi de 8 h à 10 h, à distance.",
        "pricing": "hourly",
        "schedule": "recurring",
        "period": "week",
        "hours_per_period": 10,
        "budget_cents": 30_000,
        "estimated_hours": None,
        "weekly_slots": [
            {"day": day, "start": "08:00", "end": "10:00"}
            for day in ("mon", "tue", "wed", "thu", "fri")
        ],
        "notice_days": 7,
        "start_date": date.today().isoformat(),
        "end_date": None,
    } | overrides


class Engagement:
    def __init__(
        self, api: Any, *, hourly_one_off: bool = False, agreement: bool = True, **mission: Any
    ) -> None:
        self.api = api
        self.business = f.business(api)
        self.secretary = f.secretary(api, **SURCHARGES)
        payload = (
            {
                "pricing": "hourly",
                "estimated_hours": 6,
                "budget_cents": 18_000,
                "start_date": date.today().isoformat(),
                "end_date": (date.today() + timedelta(days=20)).isoformat(),
            }
            if hourly_one_off
            else recurring_mission()
        ) | mission
        self.mission = f.mission(api, self.business, **payload)
        status, self.bid = api.post(
            f"/api/v1/missions/{self.mission['id']}/bids",
            {"hourly_rate_cents": RATE, "message": "Disponible chaque matin."},
            token=self.secretary["token"],
        )
        assert status == 201, self.bid
        status, self.contract = api.post(
            f"/api/v1/bids/{self.bid['id']}/accept", token=self.business["token"]
        )
        assert status == 201, self.contract
        if agreement:  # she accepts the written agreement before she logs any time
            f.accept_agreement(api, self.id, self.secretary)

    @property
    def id(self) -> str:
        return str(self.contract["id"])

    def get(self, path: str, who: str = "business") -> tuple[int, Any]:
        return self.api.get(path, token=self.token(who))

    def token(self, who: str) -> str:
        return str(getattr(self, who)["token"])

    def periods(self, who: str = "business") -> list[dict[str, Any]]:
        status, body = self.get(f"/api/v1/contracts/{self.id}/periods", who)
        assert status == 200, body
        return list(body)

    def period(self, index: int = 0) -> dict[str, Any]:
        return self.periods()[index]

    def act(self, period_id: str, action: str, who: str, json: Any = None) -> tuple[int, Any]:
        return self.api.post(
            f"/api/v1/contracts/{self.id}/periods/{period_id}/{action}",
            json,
            token=self.token(who),
        )

    def fund(self, period_id: str) -> dict[str, Any]:
        status, body = self.act(period_id, "fund", "business", {})
        assert status == 200, body
        return dict(body)

    def log(
        self, minutes: int, kind: str = "normal", on: date | None = None, task: str = "Appels"
    ) -> tuple[int, Any]:
        return self.api.post(
            f"/api/v1/contracts/{self.id}/time-entries",
            {
                "date": (on or date.today()).isoformat(),
                "minutes": minutes,
                "description": task,
                "rate_kind": kind,
            },
            token=self.token("secretary"),
        )

    def contract_now(self, who: str = "business") -> dict[str, Any]:
        status, body = self.get(f"/api/v1/contracts/{self.id}", who)
        assert status == 200, body
        return dict(body)

    def ledger(self) -> dict[str, Any]:
        status, body = self.get(f"/api/v1/contracts/{self.id}/ledger")
        assert status == 200, body
        return dict(body)


def travel(app: Any, period_id: str, days: int) -> None:
    """Move a period (and its time entries) `days` into the past, as if that time went by."""
    with app.app_context():
        pid = uuid.UUID(period_id)
        shift = timedelta(days=days)
        db.session.execute(
            sa.update(ContractPeriod)
            .where(ContractPeriod.id == pid)
            .values(
                starts_on=ContractPeriod.starts_on - shift, ends_on=ContractPeriod.ends_on - shift
            )
        )
        db.session.execute(
            sa.update(TimeEntry)
            .where(TimeEntry.period_id == pid)
            .values(worked_on=TimeEntry.worked_on - shift)
        )
        db.session.commit()


def travel_contract(app: Any, contract_id: str, days: int) -> None:
    """Move a whole contract's calendar (its dates, its periods, its entries) into the past."""
    with app.app_context():
        cid = uuid.UUID(contract_id)
        shift = timedelta(days=days)
        ids = db.session.scalars(
            sa.select(ContractPeriod.id).where(ContractPeriod.contract_id == cid)
        ).all()
        db.session.execute(
            sa.update(Contract)
            .where(Contract.id == cid)
            .values(starts_on=Contract.starts_on - shift, ends_on=Contract.ends_on - shift)
        )
        db.session.commit()
    for period_id in ids:
        travel(app, str(period_id), days)


def submitted_days_ago(app: Any, period_id: str, days: float) -> None:
    with app.app_context():
        db.session.execute(
            sa.update(ContractPeriod)
            .where(ContractPeriod.id == uuid.UUID(period_id))
            .values(submitted_at=sa.func.now() - timedelta(days=days))
        )
        db.session.commit()
