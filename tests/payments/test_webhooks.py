"""POST /api/v1/payments/stripe/webhook: signature checks, record-once, each handler."""

from __future__ import annotations

import json
import time

import sqlalchemy as sa
from flask import Flask

from marketplace.contracts.models import ContractEvent
from marketplace.extensions import db
from marketplace.payments.models import PaymentEvent, PayoutAccount
from tests import factories as f
from tests.payments.conftest import (
    WEBHOOK_PATH,
    account_updated,
    charge_refunded,
    dispute_created,
    pi_failed,
    pi_succeeded,
    post_event,
    sign,
    transfer_reversed,
)
from tests.payments.helpers import assert_balanced, connect_payouts, contract, funded_deal


def _events(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(PaymentEvent)) or 0)


def _notes(app: Flask, contract_id: str, action: str) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(ContractEvent.note).where(
                    ContractEvent.contract_id == contract_id, ContractEvent.action == action
                )
            )
        )


def _raw(sapi, payload: bytes, headers: dict[str, str]):
    return sapi.client.post(WEBHOOK_PATH, data=payload, headers=headers)


def test_missing_wrong_or_stale_signature_is_refused_with_no_side_effect(
    sapi, stripe_app: Flask
) -> None:
    deal = f.Deal(sapi).hire()
    payload = json.dumps(pi_succeeded(deal.contract_id, 110_000)).encode()
    stale = sign(payload, timestamp=int(time.time()) - 3600)
    for headers in (
        {},
        {"Stripe-Signature": "t=123,v1=deadbeef"},
        {"Stripe-Signature": sign(payload, secret="whsec_someone_else")},
        {"Stripe-Signature": stale},
        {"Stripe-Signature": sign(payload + b" ")},
    ):
        response = _raw(sapi, payload, headers)
        assert response.status_code == 400, (headers, response.get_data(as_text=True))
        assert response.get_json()["error"] == "invalid_signature"
    # a tampered body with the original signature is refused too
    tampered = payload.replace(b"110000", b"1")
    assert _raw(sapi, tampered, {"Stripe-Signature": sign(payload)}).status_code == 400
    assert _events(stripe_app) == 0
    assert contract(sapi, deal)["status"] == "awaiting_funding"


def test_the_webhook_needs_no_bearer_token_nor_csrf_and_ignores_unknown_types(
    sapi, stripe_app
) -> None:
    code, body = post_event(
        sapi,
        {
            "id": "evt_x1",
            "type": "customer.created",
            "created": 1,
            "data": {"object": {"id": "cus_1"}},
        },
    )
    assert code == 200 and body == {"received": True, "outcome": "ignored"}
    assert _events(stripe_app) == 1


def test_the_webhook_is_not_there_with_the_sandbox_provider(api) -> None:
    payload = b"{}"
    response = api.client.post(
        WEBHOOK_PATH, data=payload, headers={"Stripe-Signature": sign(payload)}
    )
    assert response.status_code == 404


def test_each_event_id_is_handled_once(sapi, stripe_app: Flask) -> None:
    deal = f.Deal(sapi).hire()
    evt = pi_succeeded(deal.contract_id, 110_000)
    assert post_event(sapi, evt)[1]["outcome"] == "funded"
    assert post_event(sapi, evt)[1]["outcome"] == "duplicate"
    assert_balanced(deal, 110_000)
    assert _events(stripe_app) == 1
    # the same payment told again under another event id changes nothing either
    again = pi_succeeded(deal.contract_id, 110_000)
    assert post_event(sapi, again)[1]["outcome"] == "already_funded"
    assert_balanced(deal, 110_000)


def test_payment_failed_keeps_awaiting_funding_and_shows_the_reason_in_french(sapi) -> None:
    deal = f.Deal(sapi).hire()
    code, body = post_event(sapi, pi_failed(deal.contract_id, 110_000, "insufficient_funds"))
    assert code == 200 and body["outcome"] == "payment_error_shown"
    c = contract(sapi, deal)
    assert c["status"] == "awaiting_funding"
    assert c["payment_error"] == "Paiement refusé : fonds insuffisants sur la carte."
    # paying again clears it
    post_event(sapi, pi_succeeded(deal.contract_id, 110_000))
    c = contract(sapi, deal)
    assert c["status"] == "funded" and c["payment_error"] is None


def test_a_payment_of_another_amount_is_not_taken_as_funding(sapi, stripe_app) -> None:
    deal = f.Deal(sapi).hire()
    _code, body = post_event(sapi, pi_succeeded(deal.contract_id, 100))
    assert body["outcome"] == "mismatch"
    assert contract(sapi, deal)["status"] == "awaiting_funding"
    assert _notes(stripe_app, deal.contract_id, "payment_mismatch")
    assert_balanced(deal, 0)


def test_a_payment_after_cancellation_is_refunded_automatically(sapi, stripe_app) -> None:
    deal = f.Deal(sapi).hire()
    assert deal.act("cancel", "business")[0] == 200
    code, body = post_event(sapi, pi_succeeded(deal.contract_id, 110_000, pi="pi_late"))
    assert code == 200 and body["outcome"] == "stray_refunded"
    assert contract(sapi, deal)["status"] == "cancelled"
    [note] = _notes(stripe_app, deal.contract_id, "stray_payment_refunded")
    assert "re_" in note
    assert_balanced(deal, 0)


def test_a_chargeback_freezes_the_contract_and_tells_the_operator(sapi, stripe_app) -> None:
    deal = funded_deal(sapi)
    code, body = post_event(sapi, dispute_created(110_000, pi=deal.pi))
    assert code == 200 and body["outcome"] == "frozen"
    c = contract(sapi, deal)
    assert c["status"] == "disputed"
    assert "Contestation bancaire" in c["dispute_reason"]
    assert deal.act("deliver", "secretary")[0] == 409  # frozen
    assert_balanced(deal, 110_000)
    status, disputes = sapi.get(
        "/api/v1/admin/contracts?status=disputed", token=f.operator(sapi, stripe_app)["token"]
    )
    assert status == 200 and disputes["total"] == 1


def test_a_chargeback_after_release_is_noted_for_the_operator(sapi, stripe_app) -> None:
    deal = funded_deal(sapi)
    deal.act("deliver", "secretary")
    assert deal.act("approve", "business")[0] == 200
    _code, body = post_event(sapi, dispute_created(110_000, pi=deal.pi))
    assert body["outcome"] == "noted"
    assert contract(sapi, deal)["status"] == "released"
    assert _notes(stripe_app, deal.contract_id, "bank_dispute")


def test_refund_events_are_reconciled_with_the_ledger(sapi, stripe_app) -> None:
    deal = funded_deal(sapi)
    _code, body = post_event(sapi, charge_refunded(110_000, 110_000, pi=deal.pi))
    assert body["outcome"] == "refund_mismatch"  # refunded at Stripe, not by us
    assert _notes(stripe_app, deal.contract_id, "refund_mismatch")
    assert contract(sapi, deal)["status"] == "funded"
    # the operator can still cancel: Stripe says "already refunded", the ledger catches up
    status, body = deal.act("cancel", "business")
    assert status == 200, body


def test_a_reversed_transfer_is_noted_for_the_operator(sapi, stripe_app) -> None:
    deal = funded_deal(sapi)
    deal.act("deliver", "secretary")
    _, released = deal.act("approve", "business")
    code, body = post_event(
        sapi, transfer_reversed(deal.contract_id, released["payout_cents"], released["transfer_id"])
    )
    assert code == 200 and body["outcome"] == "noted"
    [note] = _notes(stripe_app, deal.contract_id, "transfer_reversed")
    assert released["transfer_id"] in note


def test_account_updated_keeps_the_newest_state(sapi, stripe_app) -> None:
    secretary = f.secretary(sapi)
    account = connect_payouts(sapi, secretary, enabled=False)
    now = int(time.time())
    assert post_event(sapi, account_updated(account, True, created=now))[1]["outcome"] == (
        "account_updated"
    )
    # an older event delivered late does not switch it back off
    assert post_event(sapi, account_updated(account, False, created=now - 60))[1]["outcome"] == (
        "stale_or_unknown"
    )
    _, payouts = sapi.get("/api/v1/me/payouts", token=secretary["token"])
    assert payouts["payouts_enabled"] is True and payouts["status"] == "enabled"
    assert post_event(sapi, account_updated("acct_unknown", True))[1]["outcome"] == (
        "stale_or_unknown"
    )
    with stripe_app.app_context():
        row = db.session.get(PayoutAccount, secretary["id"])
        assert row is not None and row.provider == "stripe"
