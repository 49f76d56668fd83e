"""Recurring work with PAYMENTS_PROVIDER=stripe, against stripe-mock, through the API and
signed webhooks: the first period is paid by the business (its method saved on a Stripe
Customer), the next ones are charged off-session by the job, and a failed charge tells the
business and pauses the contract without touching the approved hours."""

from __future__ import annotations

import uuid

from flask import Flask

from marketplace.contracts import periods as periods_service
from marketplace.contracts.models import ContractPeriod
from marketplace.extensions import db
from tests.payments.conftest import event, pi_failed, post_event
from tests.payments.helpers import connect_payouts
from tests.regular.steps import Engagement, travel


def _succeeded(contract_id: str, period_id: str, pi: str, amount: int, method: str) -> dict:
    return event(
        "payment_intent.succeeded",
        {
            "id": pi,
            "object": "payment_intent",
            "amount": amount,
            "amount_received": amount,
            "currency": "eur",
            "status": "succeeded",
            "latest_charge": f"ch_{period_id[:8]}",
            "payment_method": method,
            "metadata": {"contract_id": contract_id, "part_id": period_id, "purpose": "funding"},
        },
    )


def _fund_first(sapi, e: Engagement) -> dict:
    first = e.period()
    body = e.fund(first["id"])
    assert body["status"] == "awaiting_funding"  # Stripe confirms through the webhook
    payment = body["payment"]
    assert payment["provider"] == "stripe" and payment["reference"].startswith("pi_")
    assert payment["client_secret"] and payment["checkout_url"].startswith("https://")
    code, answer = post_event(
        sapi, _succeeded(e.id, first["id"], payment["reference"], 30_000, "pm_card_visa")
    )
    assert code == 200 and answer["outcome"] == "funded", answer
    assert e.period()["status"] == "funded"
    return first


def test_the_next_period_is_charged_off_session_on_the_saved_method(
    sapi, stripe_app: Flask
) -> None:
    e = Engagement(sapi)
    connect_payouts(sapi, e.secretary)
    first = _fund_first(sapi, e)
    assert e.contract_now()["status"] == "active"
    e.log(120)
    travel(stripe_app, first["id"], 6)
    with stripe_app.app_context():
        report = periods_service.run_due()
    assert (report.opened, report.charged) == (1, 1)
    second = e.periods()[1]
    assert second["status"] == "awaiting_funding"  # charged; the webhook will confirm
    with stripe_app.app_context():
        row = db.session.get(ContractPeriod, uuid.UUID(second["id"]))
        assert row is not None
        pi = row.payment_intent_id
    assert pi and pi.startswith("pi_")
    code, answer = post_event(sapi, _succeeded(e.id, second["id"], pi, 30_000, "pm_card_visa"))
    assert code == 200 and answer["outcome"] == "funded", answer
    assert e.periods()[1]["status"] == "funded"
    ledger = e.ledger()
    assert ledger["balanced"] is True and ledger["held_cents"] == 60_000
    # The first period's hours are approved and paid as usual (a Transfer, a Refund).
    e.act(first["id"], "submit", "secretary")
    status, body = e.act(first["id"], "approve", "business")
    assert status == 200, body
    assert body["released_cents"] > 0 and body["refunded_cents"] == 30_000 - 6_000


def test_a_failed_charge_tells_the_business_and_pauses_the_contract(
    sapi, stripe_app: Flask
) -> None:
    e = Engagement(sapi)
    connect_payouts(sapi, e.secretary)
    first = _fund_first(sapi, e)
    e.log(60)
    e.act(first["id"], "submit", "secretary")
    status, approved = e.act(first["id"], "approve", "business")
    assert status == 200, approved
    travel(stripe_app, first["id"], 6)
    with stripe_app.app_context():
        periods_service.run_due()
    second = e.periods()[1]
    failure = pi_failed(e.id, 30_000, pi="pi_offsession_declined")
    failure["data"]["object"]["metadata"]["part_id"] = second["id"]
    code, answer = post_event(sapi, failure)
    assert code == 200 and answer["outcome"] == "payment_error_shown", answer
    contract = e.contract_now()
    assert contract["status"] == "paused"
    assert "fund_period" in contract["next_actions"]
    unpaid = e.periods()[1]
    assert unpaid["status"] == "awaiting_funding" and unpaid["payment_error"]
    status, notes = sapi.get("/api/v1/notifications", token=e.business["token"])
    assert status == 200
    assert "period_payment_failed" in {n["kind"] for n in notes["results"]}
    # What she was approved for stays hers: the first period is untouched.
    assert e.period(0)["status"] == "approved"
    assert e.period(0)["released_cents"] == approved["released_cents"]
    status, body = e.log(30)
    assert status in (409, 422), body  # no time in an unpaid period
    # The business pays it by hand: the contract resumes.
    body = e.fund(second["id"])
    code, answer = post_event(
        sapi, _succeeded(e.id, second["id"], body["payment"]["reference"], 30_000, "pm_new")
    )
    assert code == 200 and answer["outcome"] == "funded", answer
    assert e.contract_now()["status"] == "active"
    assert e.ledger()["balanced"] is True
