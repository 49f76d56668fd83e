"""Milestones over the public API: a fixed-price bid split into milestones, each funded,
delivered and approved on its own, with its escrow, commission and invoices; cancel,
dispute and resolution acting on them, the ledger balanced per milestone."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest

from tests import factories as f

SOON = date.today() + timedelta(days=10)


def steps(*amounts: int, start: date = SOON) -> list[dict[str, Any]]:
    return [
        {
            "title": f"Étape {i}",
            "amount_cents": a,
            "due_date": (start + timedelta(days=7 * i)).isoformat(),
        }
        for i, a in enumerate(amounts, start=1)
    ]


class Split:
    """A fixed mission, her quote split into milestones, and (once hired) the contract."""

    def __init__(self, api: Any, amounts: tuple[int, ...] = (40_000, 30_000, 30_000)) -> None:
        self.api = api
        rows = f.Rows(api.client.application)
        self.business = rows.business()
        self.secretary = rows.secretary()
        self.mission = rows.mission(self.business)
        status, self.bid = self.quote(sum(amounts), steps(*amounts))
        assert status == 201, self.bid
        self.contract: dict[str, Any] = {}

    def quote(self, amount: int, milestones: Any) -> tuple[int, Any]:
        return self.api.post(
            f"/api/v1/missions/{self.mission['id']}/bids",
            {"amount_cents": amount, "estimated_hours": 30, "milestones": milestones},
            token=self.secretary["token"],
        )

    def hire(self) -> Split:
        status, body = self.api.post(
            f"/api/v1/bids/{self.bid['id']}/accept", token=self.business["token"]
        )
        assert status == 201, body
        self.contract = body
        f.accept_agreement(self.api, body["id"], self.secretary)  # before any delivery
        return self

    @property
    def path(self) -> str:
        return f"/api/v1/contracts/{self.contract['id']}"

    def milestones(self) -> list[dict[str, Any]]:
        status, body = self.api.get(f"{self.path}/milestones", token=self.business["token"])
        assert status == 200, body
        return list(body)

    def act(self, position: int, action: str, who: str) -> tuple[int, Any]:
        milestone = self.milestones()[position - 1]
        return self.api.post(
            f"{self.path}/milestones/{milestone['id']}/{action}",
            None if action != "fund" else {},
            token=getattr(self, who)["token"],
        )

    def walk(self, position: int, *actions: str) -> None:
        who = {"fund": "business", "deliver": "secretary", "approve": "business"}
        for action in actions:
            status, body = self.act(position, action, who[action])
            assert status == 200, (action, body)

    def get(self) -> dict[str, Any]:
        status, body = self.api.get(self.path, token=self.business["token"])
        assert status == 200, body
        return dict(body)

    def ledger(self) -> dict[str, Any]:
        status, body = self.api.get(f"{self.path}/ledger", token=self.business["token"])
        assert status == 200, body
        return dict(body)


def part_sums(ledger: dict[str, Any], app: Any, contract_id: str) -> dict[Any, int]:
    import uuid

    from marketplace.payments import ledger as ledger_service

    with app.app_context():
        return ledger_service.part_balances(uuid.UUID(contract_id))


# --- the bid ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "milestones"),
    [
        (100_000, steps(40_000, 30_000)),  # does not add up
        (100_000, steps(100_000)),  # one is not a split
        (110_000, steps(*([10_000] * 11))),  # more than ten
        (100_000, steps(50_000, 50_000, start=date.today() - timedelta(days=10))),  # past
        (
            100_000,
            list(reversed(steps(50_000, 50_000))),  # due dates out of order
        ),
    ],
)
def test_a_bid_whose_milestones_do_not_fit_is_refused_naming_milestones(
    api, amount, milestones
) -> None:
    deal = Split(api)
    other = f.Rows(api.client.application).secretary()
    deal.secretary = other
    status, body = deal.quote(amount, milestones)
    assert status == 422, body
    assert list(body["errors"]["json"]) == ["milestones"]


def test_a_bid_shows_its_milestones(api) -> None:
    deal = Split(api)
    assert [m["amount_cents"] for m in deal.bid["milestones"]] == [40_000, 30_000, 30_000]
    assert [m["position"] for m in deal.bid["milestones"]] == [1, 2, 3]
    status, bids = api.get(
        f"/api/v1/missions/{deal.mission['id']}/bids", token=deal.business["token"]
    )
    assert status == 200
    assert bids[0]["milestones"][0]["title"] == "Étape 1"


def test_a_bid_without_milestones_is_paid_at_once(api) -> None:
    deal = f.Deal(api).to("released")
    assert deal.contract["id"]
    status, body = api.get(
        f"/api/v1/contracts/{deal.contract_id}/milestones", token=deal.business["token"]
    )
    assert status == 409, body


# --- the contract ------------------------------------------------------------------


def test_each_milestone_is_funded_delivered_and_released_on_its_own(api) -> None:
    deal = Split(api).hire()
    assert deal.contract["kind"] == "fixed" and deal.contract["status"] == "awaiting_funding"
    assert "fund_milestone" in deal.contract["next_actions"]
    items = deal.milestones()
    assert [(m["position"], m["status"]) for m in items] == [
        (1, "awaiting_funding"),
        (2, "awaiting_funding"),
        (3, "awaiting_funding"),
    ]
    assert items[0]["commission_cents"] == 4_800 and items[0]["payout_cents"] == 35_200

    deal.walk(1, "fund")
    assert deal.get()["status"] == "funded"
    assert deal.milestones()[0]["held_cents"] == 40_000
    deal.walk(1, "deliver", "approve")
    first = deal.milestones()[0]
    assert first["status"] == "released" and first["held_cents"] == 0
    assert deal.get()["status"] == "funded"  # two milestones still to go

    # Approving again, or delivering a milestone not funded, is a 409.
    assert deal.act(1, "approve", "business")[0] == 409
    assert deal.act(2, "deliver", "secretary")[0] == 409
    deal.walk(2, "fund", "deliver", "approve")
    deal.walk(3, "fund", "deliver", "approve")
    contract = deal.get()
    assert contract["status"] == "released"
    assert contract["money"]["paid_out_cents"] == 35_200 + 26_400 + 26_400
    assert contract["money"]["commission_cents"] == 4_800 + 3_600 + 3_600
    assert contract["money"]["held_cents"] == 0
    ledger = deal.ledger()
    assert ledger["balanced"]
    assert set(part_sums(ledger, api.client.application, deal.contract["id"]).values()) == {0}
    assert "review" in contract["next_actions"]


def test_each_released_milestone_has_its_invoices_in_the_same_numbering(api) -> None:
    deal = Split(api, (60_000, 40_000)).hire()
    deal.walk(1, "fund", "deliver", "approve")
    deal.walk(2, "fund", "deliver", "approve")
    status, invoices = api.get(f"{deal.path}/invoices", token=deal.secretary["token"])
    assert status == 200, invoices
    items = invoices if isinstance(invoices, list) else invoices["results"]
    assert Counter(i["kind"] for i in items) == {"service": 2, "commission": 2}
    numbers = sorted(i["number"] for i in items if i["kind"] == "service")
    assert numbers == ["F000001", "F000002"]
    parts = {i["part_id"] for i in items}
    assert parts == {m["id"] for m in deal.milestones()}


def test_the_contract_level_steps_name_the_milestones(api) -> None:
    deal = Split(api).hire()
    for action, who in (("fund", "business"), ("deliver", "secretary"), ("approve", "business")):
        status, body = api.post(
            f"{deal.path}/{action}",
            {} if action == "fund" else None,
            token=getattr(deal, who)["token"],
        )
        assert status == 409, body
        assert body["error"] == "by_milestones"


def test_only_the_parties_move_a_milestone(api) -> None:
    deal = Split(api).hire()
    assert deal.act(1, "fund", "secretary")[0] == 403
    deal.walk(1, "fund")
    assert deal.act(1, "deliver", "business")[0] == 403
    stranger = f.Rows(api.client.application).business()
    status, _ = api.get(f"{deal.path}/milestones", token=stranger["token"])
    assert status == 404


def test_cancelling_refunds_what_the_milestones_hold(api) -> None:
    deal = Split(api).hire()
    deal.walk(1, "fund", "deliver", "approve")
    deal.walk(2, "fund")
    status, body = api.post(
        f"{deal.path}/cancel", {"reason": "Plus besoin"}, token=deal.business["token"]
    )
    assert status == 200, body
    assert body["status"] == "cancelled"
    assert [m["status"] for m in deal.milestones()] == ["released", "cancelled", "cancelled"]
    money = deal.get()["money"]
    assert money["refunded_cents"] == 30_000 and money["held_cents"] == 0
    assert money["paid_out_cents"] == 35_200
    assert deal.ledger()["balanced"]


def test_a_delivered_milestone_cannot_be_cancelled(api) -> None:
    deal = Split(api).hire()
    deal.walk(1, "fund", "deliver")
    status, body = api.post(f"{deal.path}/cancel", {}, token=deal.secretary["token"])
    assert status == 409, body


def test_a_dispute_freezes_the_milestones_and_the_resolution_splits_them_in_order(api, app) -> None:
    deal = Split(api).hire()
    deal.walk(1, "fund", "deliver", "approve")
    deal.walk(2, "fund", "deliver")
    deal.walk(3, "fund")
    status, body = api.post(
        f"{deal.path}/dispute",
        {"reason": "La deuxième étape ne correspond pas."},
        token=deal.business["token"],
    )
    assert status == 200, body
    assert [m["status"] for m in deal.milestones()] == ["released", "disputed", "disputed"]
    assert deal.act(2, "approve", "business")[0] == 409  # frozen
    operator = f.operator(api, app)
    wrong = {"release_cents": 10_000, "refund_cents": 10_000}
    status, body = api.post(f"/api/v1/admin{deal.path[7:]}/resolve", wrong, token=operator["token"])
    assert status == 422, body
    status, body = api.post(
        f"/api/v1/admin{deal.path[7:]}/resolve",
        {"release_cents": 35_000, "refund_cents": 25_000, "note": "Partagé"},
        token=operator["token"],
    )
    assert status == 200, body
    assert body["status"] == "resolved"
    items = deal.milestones()
    assert [m["status"] for m in items] == ["released", "resolved", "resolved"]
    assert (items[1]["resolution_release_cents"], items[1]["resolution_refund_cents"]) == (
        30_000,
        0,
    )
    assert (items[2]["resolution_release_cents"], items[2]["resolution_refund_cents"]) == (
        5_000,
        25_000,
    )
    ledger = deal.ledger()
    assert ledger["balanced"] and ledger["held_cents"] == 0
    assert set(part_sums(ledger, app, deal.contract["id"]).values()) == {0}
    money = deal.get()["money"]
    assert money["refunded_cents"] == 25_000
    assert money["commission_cents"] == 4_800 + 3_600 + 600


def test_an_unfunded_milestone_is_called_off_by_the_resolution(api, app) -> None:
    deal = Split(api).hire()
    deal.walk(1, "fund")
    status, body = api.post(
        f"{deal.path}/dispute",
        {"reason": "Rien n'avance depuis deux semaines."},
        token=deal.secretary["token"],
    )
    assert status == 200, body
    operator = f.operator(api, app)
    status, body = api.post(
        f"/api/v1/admin{deal.path[7:]}/resolve",
        {"release_cents": 0, "refund_cents": 40_000},
        token=operator["token"],
    )
    assert status == 200, body
    assert [m["status"] for m in deal.milestones()] == ["resolved", "cancelled", "cancelled"]
    assert deal.ledger()["balanced"]
