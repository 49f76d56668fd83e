"""Every contract transition, allowed or refused, with the ledger checked after each step."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories as f

ACTIONS: dict[str, tuple[str, Any]] = {
    # action: (who asks, payload)
    "fund": ("business", None),
    "deliver": ("secretary", None),
    "approve": ("business", None),
    "cancel": ("business", {"reason": "Le besoin a disparu."}),
    "dispute": ("business", {"reason": "Le travail livré ne correspond pas."}),
}
ALLOWED = {
    "awaiting_funding": {"fund": "funded", "cancel": "cancelled"},
    "funded": {"deliver": "delivered", "cancel": "cancelled", "dispute": "disputed"},
    "delivered": {"approve": "released", "dispute": "disputed"},
    "released": {},
    "cancelled": {},
    "disputed": {},
}
CASES = [(status, action) for status in ALLOWED for action in ACTIONS]


def assert_ledger_balanced(deal: f.Deal, held: int | None = None) -> dict[str, Any]:
    ledger = deal.ledger()
    assert ledger["balanced"] is True
    assert sum(e["amount_cents"] for e in ledger["entries"]) == 0
    for txn in {e["transaction_id"] for e in ledger["entries"]}:
        assert sum(e["amount_cents"] for e in ledger["entries"] if e["transaction_id"] == txn) == 0
    if held is not None:
        assert ledger["held_cents"] == held
    return ledger


@pytest.mark.parametrize(("status", "action"), CASES, ids=[f"{s}-{a}" for s, a in CASES])
def test_transition_table(api, status: str, action: str) -> None:
    deal = f.Deal(api).to(status)
    who, payload = ACTIONS[action]
    code, body = deal.act(action, who, payload)
    if action in ALLOWED[status]:
        assert code == 200, body
        assert body["status"] == ALLOWED[status][action]
    else:
        assert code == 409, body
        assert body["error"] == "invalid_transition"
        _, after = api.get(f"/api/v1/contracts/{deal.contract_id}", token=deal.business["token"])
        assert after["status"] == status
    assert_ledger_balanced(deal)


@pytest.mark.parametrize(
    "status", ["awaiting_funding", "funded", "delivered", "released", "cancelled", "resolved"]
)
def test_resolve_refused_unless_disputed(api, app, status: str) -> None:
    deal = f.Deal(api)
    if status == "resolved":
        deal.to("disputed")
        op = f.operator(api, app)
        assert deal.resolve(op, 110_000, 0)[0] == 200
    else:
        deal.to(status)
        op = f.operator(api, app)
    code, body = deal.resolve(op, 0, 0)
    assert code == 409, body


def test_happy_path_moves_money_through_escrow(api) -> None:
    deal = f.Deal(api, amount_cents=123_456).hire()
    assert deal.contract["status"] == "awaiting_funding"
    assert deal.contract["commission_cents"] == 14_815  # 12 % rounded half up
    assert deal.contract["payout_cents"] == 123_456 - 14_815
    assert_ledger_balanced(deal, held=0)

    code, body = deal.act("fund", "business")
    assert code == 200 and body["status"] == "funded"
    assert body["payment"]["provider"] == "sandbox"
    ledger = assert_ledger_balanced(deal, held=123_456)
    assert ledger["balances"]["business"] == -123_456

    assert deal.act("deliver", "secretary")[0] == 200
    assert_ledger_balanced(deal, held=123_456)
    code, body = deal.act("approve", "business")
    assert code == 200 and body["status"] == "released"
    ledger = assert_ledger_balanced(deal, held=0)
    assert ledger["balances"] == {
        "business": -123_456,
        "escrow": 0,
        "secretary": 108_641,
        "platform": 14_815,
    }
    assert {e["kind"] for e in ledger["entries"]} == {"funding", "release"}
    _, events = api.get(
        f"/api/v1/contracts/{deal.contract_id}/events", token=deal.secretary["token"]
    )
    assert [e["action"] for e in events] == ["accept_bid", "fund", "deliver", "approve"]


def test_cancel_after_funding_refunds_the_business(api) -> None:
    deal = f.Deal(api).to("funded")
    code, body = deal.act("cancel", "secretary", {"reason": "Indisponible"})
    assert code == 200 and body["status"] == "cancelled"
    ledger = assert_ledger_balanced(deal, held=0)
    assert ledger["balances"]["business"] == 0
    assert {e["kind"] for e in ledger["entries"]} == {"funding", "refund"}


def test_cancel_before_funding_moves_no_money(api) -> None:
    deal = f.Deal(api).hire()
    assert deal.act("cancel", "business")[0] == 200
    assert deal.ledger()["entries"] == []


def test_dispute_split_pays_commission_on_the_released_part_only(api, app) -> None:
    deal = f.Deal(api, amount_cents=100_000).to("disputed")
    op = f.operator(api, app)
    _, disputed = api.get("/api/v1/admin/contracts?status=disputed", token=op["token"])
    assert [c["id"] for c in disputed["results"]] == [deal.contract_id]
    code, body = deal.resolve(op, 60_000, 40_000, "Moitié du travail conforme.")
    assert code == 200 and body["status"] == "resolved"
    assert body["resolution_release_cents"] == 60_000
    ledger = assert_ledger_balanced(deal, held=0)
    assert ledger["balances"] == {
        "business": -60_000,
        "escrow": 0,
        "secretary": 52_800,
        "platform": 7_200,
    }


def test_resolution_must_add_up_to_the_amount_held(api, app) -> None:
    deal = f.Deal(api, amount_cents=100_000).to("disputed")
    op = f.operator(api, app)
    code, body = deal.resolve(op, 60_000, 30_000)
    assert code == 422
    assert set(body["errors"]["json"]) == {"release_cents", "refund_cents"}
    assert_ledger_balanced(deal, held=100_000)
    code, body = deal.resolve(op, -1, 100_001)
    assert code == 422 and "release_cents" in body["errors"]["json"]


def test_dispute_needs_a_reason(api) -> None:
    deal = f.Deal(api).to("funded")
    code, body = deal.act("dispute", "secretary", {"reason": ""})
    assert code == 422 and "reason" in body["errors"]["json"]
    code, body = deal.act("dispute", "secretary", {})
    assert code == 422 and "reason" in body["errors"]["json"]


def test_next_actions_follow_the_caller(api) -> None:
    deal = f.Deal(api).to("funded")
    _, as_business = api.get(f"/api/v1/contracts/{deal.contract_id}", token=deal.business["token"])
    _, as_secretary = api.get(
        f"/api/v1/contracts/{deal.contract_id}", token=deal.secretary["token"]
    )
    assert as_business["next_actions"] == ["cancel", "dispute"]
    assert as_secretary["next_actions"] == ["deliver", "cancel", "dispute"]


def test_ledger_rows_cannot_be_changed_in_the_database(api, app) -> None:
    import sqlalchemy as sa
    from sqlalchemy.exc import DBAPIError

    from marketplace.extensions import db

    f.Deal(api).to("funded")
    with app.app_context():
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(sa.text("UPDATE ledger_entries SET amount_cents = 1"))
        db.session.rollback()
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(sa.text("DELETE FROM ledger_entries"))
        db.session.rollback()
