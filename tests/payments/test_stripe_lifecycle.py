"""The whole life of a contract with PAYMENTS_PROVIDER=stripe, against stripe-mock, through
the API: the ledger balances at every step."""

from __future__ import annotations

from flask import Flask

from marketplace.contracts.services import auto_release_due
from tests import factories as f
from tests.payments.conftest import charge_refunded, post_event, transfer_reversed
from tests.payments.helpers import assert_balanced, connect_payouts, contract, funded_deal


def test_fund_answers_client_secret_and_checkout_url_and_waits_for_the_webhook(sapi) -> None:
    deal = f.Deal(sapi).hire()
    assert_balanced(deal, 0)
    status, body = deal.act("fund", "business")
    assert status == 200, body
    assert body["status"] == "awaiting_funding"
    payment = body["payment"]
    assert payment["provider"] == "stripe"
    assert payment["reference"].startswith("pi_")
    assert payment["client_secret"]
    assert payment["checkout_url"].startswith("https://")
    assert body["contract"]["payment_intent_id"] == payment["reference"]
    assert_balanced(deal, 0)  # nothing is held before Stripe confirms


def test_fund_webhook_deliver_approve_transfer(sapi, stripe_app: Flask) -> None:
    deal = funded_deal(sapi)
    c = contract(sapi, deal)
    assert c["status"] == "funded" and c["payment_error"] is None
    assert_balanced(deal, 110_000)

    assert deal.act("deliver", "secretary")[0] == 200
    assert_balanced(deal, 110_000)

    status, body = deal.act("approve", "business")
    assert status == 200, body
    assert body["status"] == "released"
    assert body["transfer_id"].startswith("tr_")
    ledger = assert_balanced(deal, 0)
    assert ledger["balances"]["secretary"] == body["payout_cents"]
    assert ledger["balances"]["platform"] == body["commission_cents"]
    assert ledger["balances"]["business"] == -110_000

    status, invoices = sapi.get(
        f"/api/v1/contracts/{deal.contract_id}/invoices", token=deal.secretary["token"]
    )
    assert status == 200 and {i["kind"] for i in invoices} == {"service", "commission"}


def test_approve_before_payouts_are_enabled_waits_then_release_due_pays(
    sapi, stripe_app: Flask
) -> None:
    deal = funded_deal(sapi, payouts=False)
    assert deal.act("deliver", "secretary")[0] == 200
    status, body = deal.act("approve", "business")
    assert status == 200, body
    assert body["status"] == "delivered"
    assert body["approved_at"] is not None
    assert "compte de versement" in body["payout_pending"]
    assert "approve" not in body["next_actions"] and "dispute" not in body["next_actions"]
    assert deal.act("approve", "business")[0] == 409  # once is enough
    assert deal.act("dispute", "secretary", {"reason": "Je conteste la validation."})[0] == 409
    assert_balanced(deal, 110_000)  # held, not lost

    status, payouts = sapi.get("/api/v1/me/payouts", token=deal.secretary["token"])
    assert payouts["status"] == "none" and "Connectez" in payouts["message"]

    with stripe_app.app_context():
        assert auto_release_due() == 0  # she cannot be paid yet: skipped, still held
    assert contract(sapi, deal)["status"] == "delivered"

    connect_payouts(sapi, deal.secretary)
    with stripe_app.app_context():
        assert auto_release_due() == 1
    c = contract(sapi, deal)
    assert c["status"] == "released" and c["transfer_id"].startswith("tr_")
    assert c["payout_pending"] is None
    assert_balanced(deal, 0)


def test_cancel_refunds_on_stripe_and_the_refund_event_reconciles(sapi) -> None:
    deal = funded_deal(sapi)
    status, body = deal.act("cancel", "business", {"reason": "Projet reporté."})
    assert status == 200, body
    assert body["status"] == "cancelled"
    assert body["refund_id"].startswith("re_")
    ledger = assert_balanced(deal, 0)
    assert ledger["balances"]["business"] == 0

    code, answer = post_event(sapi, charge_refunded(110_000, 110_000, pi=deal.pi))
    assert code == 200 and answer["outcome"] == "reconciled"
    assert contract(sapi, deal)["status"] == "cancelled"
    assert_balanced(deal, 0)


def test_cancel_before_payment_moves_no_money(sapi) -> None:
    deal = f.Deal(sapi).hire()
    assert deal.act("fund", "business")[0] == 200
    status, body = deal.act("cancel", "secretary")
    assert status == 200 and body["status"] == "cancelled" and body["refund_id"] is None
    assert_balanced(deal, 0)


def test_dispute_and_split_resolution_transfer_and_refund(sapi, stripe_app: Flask) -> None:
    deal = funded_deal(sapi)
    assert deal.act("deliver", "secretary")[0] == 200
    assert (
        deal.act("dispute", "business", {"reason": "Il manque la moitié des comptes rendus."})[0]
        == 200
    )
    assert_balanced(deal, 110_000)
    operator = f.operator(sapi, stripe_app)
    status, body = deal.resolve(operator, 60_000, 50_000, "Moitié du travail livrée.")
    assert status == 200, body
    assert body["status"] == "resolved"
    assert body["transfer_id"].startswith("tr_") and body["refund_id"].startswith("re_")
    ledger = assert_balanced(deal, 0)
    commission = 7_200  # 12 % of the released part
    assert ledger["balances"]["secretary"] == 60_000 - commission
    assert ledger["balances"]["platform"] == commission
    assert ledger["balances"]["business"] == -110_000 + 50_000

    status, invoices = sapi.get(
        f"/api/v1/contracts/{deal.contract_id}/invoices", token=deal.business["token"]
    )
    assert status == 200 and [i["total_cents"] for i in invoices] == [60_000]


def test_resolution_refunding_everything_needs_no_payout_account(sapi, stripe_app: Flask) -> None:
    deal = funded_deal(sapi, payouts=False)
    assert (
        deal.act("dispute", "secretary", {"reason": "Le client ne répond plus du tout."})[0] == 200
    )
    operator = f.operator(sapi, stripe_app)
    status, body = deal.resolve(operator, 0, 110_000)
    assert status == 200, body
    assert body["transfer_id"] is None and body["refund_id"].startswith("re_")
    assert_balanced(deal, 0)


def test_a_refund_after_release_reverses_her_transfer_and_refunds_the_business(
    sapi, stripe_app: Flask
) -> None:
    """Credit after release with Stripe: a transfer reversal (her share) and a refund (the
    whole amount) at stripe-mock, one balanced credit movement, two credit notes."""
    deal = funded_deal(sapi)
    assert deal.act("deliver", "secretary")[0] == 200
    status, body = deal.act("approve", "business")
    assert status == 200 and body["status"] == "released", body
    status, invoices = sapi.get(
        f"/api/v1/contracts/{deal.contract_id}/invoices", token=deal.secretary["token"]
    )
    service = next(i for i in invoices if i["kind"] == "service")
    status, credited = sapi.post(
        f"/api/v1/contracts/{deal.contract_id}/credit-notes",
        {"invoice_id": service["id"], "amount_cents": 55_000, "reason": "Moitié non faite"},
        token=deal.secretary["token"],
    )
    assert status == 201, credited
    assert {n["kind"] for n in credited["credit_notes"]} == {"service_credit", "commission_credit"}
    ledger = assert_balanced(deal, 0)
    credit = [e for e in ledger["entries"] if e["kind"] == "credit"]
    references = {e["provider_reference"] for e in credit}
    assert len(references) == 1
    reversal, refund = references.pop().split()
    assert reversal.startswith("trr_") and refund.startswith("re_")
    assert ledger["balances"]["business"] == -55_000


def test_stripe_telling_of_our_own_reversal_is_booked_not_flagged(sapi, stripe_app: Flask) -> None:
    """The `transfer.reversed` of a refund after release is ours (the ledger's credit has
    it): no note for the operator; a reversal beyond it still is one."""
    deal = funded_deal(sapi)
    assert deal.act("deliver", "secretary")[0] == 200
    _, released = deal.act("approve", "business")
    _, invoices = sapi.get(
        f"/api/v1/contracts/{deal.contract_id}/invoices", token=deal.secretary["token"]
    )
    service = next(i for i in invoices if i["kind"] == "service")
    status, body = sapi.post(
        f"/api/v1/contracts/{deal.contract_id}/credit-notes",
        {"invoice_id": service["id"], "amount_cents": 10_000, "reason": "Geste"},
        token=deal.secretary["token"],
    )
    assert status == 201, body
    ours = 10_000 - 1_200  # her share of the refund: 12 % is the platform's
    event = transfer_reversed(deal.contract_id, ours, released["transfer_id"])
    event["data"]["object"]["amount"] = released["payout_cents"]
    code, answer = post_event(sapi, event)
    assert code == 200 and answer["outcome"] == "reversal_booked", answer
    beyond = transfer_reversed(deal.contract_id, ours + 1, released["transfer_id"])
    code, answer = post_event(sapi, beyond)
    assert code == 200 and answer["outcome"] == "noted", answer
