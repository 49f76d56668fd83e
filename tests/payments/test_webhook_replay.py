"""Duplicate and out-of-order webhook deliveries end in the state one in-order delivery gives.

For each kind of contract history, hypothesis draws a delivery: the events in any order,
some delivered more than once. After every delivery we compare the contract's status, the
payment error shown, the ledger (and the payout account) with the in-order outcome.
The database is emptied before each build (tests/conftest.py `reset_database`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.contracts.services import auto_release_due
from marketplace.payments.stripe_provider import decline_message
from tests import factories as f
from tests.conftest import reset_database
from tests.payments.conftest import (
    account_updated,
    charge_refunded,
    dispute_created,
    pi_failed,
    pi_succeeded,
    post_event,
)
from tests.payments.helpers import connect_payouts, contract, funded_deal

AMOUNT = 110_000
EXAMPLES = 12

replay_settings = settings(
    deadline=None,
    max_examples=EXAMPLES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


@st.composite
def deliveries(draw: st.DrawFn, size: int) -> list[int]:
    """A delivery order of `size` events: a permutation, with some events sent again."""
    order = list(draw(st.permutations(range(size))))
    for again in draw(st.lists(st.integers(0, size - 1), max_size=size)):
        order.insert(draw(st.integers(0, len(order))), again)
    return order


def _state(sapi, deal: f.Deal) -> dict[str, Any]:
    c = contract(sapi, deal)
    ledger = deal.ledger()
    assert ledger["balanced"], ledger
    _, payouts = sapi.get("/api/v1/me/payouts", token=deal.secretary["token"])
    return {
        "status": c["status"],
        "payment_error": c["payment_error"],
        "ledger": sorted((e["kind"], e["account"], e["amount_cents"]) for e in ledger["entries"]),
        "payouts_enabled": payouts["payouts_enabled"],
    }


def _replay(
    sapi,
    app: Flask,
    order: list[int],
    build: Callable[[], tuple[f.Deal, list[dict[str, Any]]]],
    after: Callable[[], None] | None = None,
) -> None:
    """Build the contract and its history; deliver in order (the reference), then again on a
    fresh database in the drawn order, and compare."""
    outcomes = []
    for sequence in (None, order):
        reset_database(app)
        deal, history = build()
        for index in sequence if sequence is not None else range(len(history)):
            code, body = post_event(sapi, history[index])
            assert code == 200, body
        if after is not None:
            with app.app_context():
                after()
        outcomes.append(_state(sapi, deal))
    reference, replayed = outcomes
    assert replayed == reference, (order, reference, replayed)


# --- histories ----------------------------------------------------------------------------


def _funding(sapi) -> tuple[f.Deal, list[dict[str, Any]]]:
    deal = f.Deal(sapi).hire()
    t = int(time.time())
    return deal, [
        pi_failed(deal.contract_id, AMOUNT, "insufficient_funds", created=t),
        pi_failed(deal.contract_id, AMOUNT, "expired_card", created=t + 5),
        pi_succeeded(deal.contract_id, AMOUNT, created=t + 10),
    ]


def _failures(sapi) -> tuple[f.Deal, list[dict[str, Any]]]:
    deal = f.Deal(sapi).hire()
    t = int(time.time())
    return deal, [
        pi_failed(deal.contract_id, AMOUNT, "insufficient_funds", created=t),
        pi_failed(deal.contract_id, AMOUNT, "incorrect_cvc", created=t + 1),
        pi_failed(deal.contract_id, AMOUNT, "expired_card", created=t + 2),
    ]


def _chargeback(sapi) -> tuple[f.Deal, list[dict[str, Any]]]:
    deal = f.Deal(sapi).hire()
    t = int(time.time())
    return deal, [
        pi_failed(deal.contract_id, AMOUNT, created=t),
        pi_succeeded(deal.contract_id, AMOUNT, created=t + 1),
        dispute_created(AMOUNT, created=t + 50),
    ]


def _cancel_and_refund(sapi) -> tuple[f.Deal, list[dict[str, Any]]]:
    deal = f.Deal(sapi).hire()
    t = int(time.time())
    paid = pi_succeeded(deal.contract_id, AMOUNT, created=t)
    assert post_event(sapi, paid)[0] == 200
    assert deal.act("cancel", "business")[0] == 200  # our Refund, booked in the ledger
    return deal, [paid, charge_refunded(AMOUNT, AMOUNT, created=t + 5)]


def _approved_waiting_for_payouts(sapi, *, enabled_last: bool, same_second: bool):
    def build() -> tuple[f.Deal, list[dict[str, Any]]]:
        deal = funded_deal(sapi, payouts=False)
        account = connect_payouts(sapi, deal.secretary, enabled=False)
        assert deal.act("deliver", "secretary")[0] == 200
        assert deal.act("approve", "business")[0] == 200  # recorded; money held
        t = int(time.time())
        first, last = (False, True) if enabled_last else (True, False)
        return deal, [
            account_updated(account, first, created=t),
            account_updated(account, last, created=t if same_second else t + 30),
        ]

    return build


# --- the properties -----------------------------------------------------------------------


@replay_settings
@given(order=deliveries(3))
def test_failed_then_succeeded_payments_in_any_order(sapi, stripe_app, order) -> None:
    _replay(sapi, stripe_app, order, lambda: _funding(sapi))


@replay_settings
@given(order=deliveries(3))
def test_the_newest_failure_is_the_one_shown(sapi, stripe_app, order) -> None:
    _replay(sapi, stripe_app, order, lambda: _failures(sapi))


@replay_settings
@given(order=deliveries(3))
def test_chargeback_before_or_after_the_payment_event(sapi, stripe_app, order) -> None:
    _replay(sapi, stripe_app, order, lambda: _chargeback(sapi))


@replay_settings
@given(order=deliveries(2))
def test_refund_events_after_our_own_refund(sapi, stripe_app, order) -> None:
    _replay(sapi, stripe_app, order, lambda: _cancel_and_refund(sapi))


@replay_settings
@given(order=deliveries(2), enabled_last=st.booleans(), same_second=st.booleans())
def test_payout_account_updates_then_release_due(
    sapi, stripe_app, order, enabled_last, same_second
) -> None:
    _replay(
        sapi,
        stripe_app,
        order,
        _approved_waiting_for_payouts(sapi, enabled_last=enabled_last, same_second=same_second),
        after=auto_release_due,
    )


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        (_funding, {"status": "funded", "payment_error": None, "funding": True}),
        (
            _failures,
            {
                "status": "awaiting_funding",
                "payment_error": decline_message("card_declined", "expired_card"),
                "funding": False,
            },
        ),
        (_chargeback, {"status": "disputed", "payment_error": None, "funding": True}),
    ],
)
def test_the_in_order_outcomes_are_the_expected_ones(sapi, history, expected) -> None:
    deal, events = history(sapi)
    for evt in events:
        post_event(sapi, evt)
    state = _state(sapi, deal)
    assert state["status"] == expected["status"]
    assert state["payment_error"] == expected["payment_error"]
    funding = [("funding", "business", -AMOUNT), ("funding", "escrow", AMOUNT)]
    assert state["ledger"] == (funding if expected["funding"] else [])
