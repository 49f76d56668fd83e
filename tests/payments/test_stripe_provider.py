"""The Stripe provider against stripe-mock: every SDK request the code makes is checked by
stripe-mock against Stripe's API specification. Plus how Stripe errors reach the user."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import pytest
import stripe
from flask import Flask

from marketplace.config import ConfigError
from marketplace.payments.interfaces import ContractRef, PaymentError, PayoutOwner
from marketplace.payments.providers import build_provider
from marketplace.payments.stripe_provider import StripeProvider, to_payment_error
from tests import factories as f
from tests.payments.conftest import WEBHOOK_SECRET, pi_succeeded, post_event, sign
from tests.payments.helpers import assert_balanced, contract, funded_deal


def _ref(**kw: Any) -> ContractRef:
    return ContractRef(
        id=uuid.uuid4(),
        mission_title="Frappe de comptes rendus",
        amount_cents=110_000,
        business_id=uuid.uuid4(),
        secretary_id=uuid.uuid4(),
        payment_intent_id=kw.pop("payment_intent_id", "pi_123"),
        charge_id=kw.pop("charge_id", "ch_123"),
        payout_account_id=kw.pop("payout_account_id", "acct_123"),
        **kw,
    )


@pytest.fixture
def provider(stripe_app: Flask) -> StripeProvider:
    selected = stripe_app.extensions["payment_provider"]
    assert isinstance(selected, StripeProvider)
    return selected


def test_build_provider_picks_stripe_from_configuration(stripe_app: Flask, app: Flask) -> None:
    assert stripe_app.extensions["payment_provider"].name == "stripe"
    assert app.extensions["payment_provider"].name == "sandbox"
    settings = stripe_app.config["MARKETPLACE_SETTINGS"]
    with pytest.raises(ValueError):
        StripeProvider(dataclasses.replace(settings, stripe_webhook_secret=None))
    assert build_provider(settings).name == "stripe"


def test_stripe_needs_its_keys_at_start(tmp_path) -> None:
    from marketplace.config import load_settings

    with pytest.raises(ConfigError, match="STRIPE_SECRET_KEY"):
        load_settings({"PAYMENTS_PROVIDER": "stripe", "SECRET_KEY": "x" * 20}, tmp_path)


def test_start_funding_opens_a_payment_intent_and_a_checkout_session(provider) -> None:
    start = provider.start_funding(
        _ref(payment_intent_id=None),
        success_url="http://localhost/ok",
        cancel_url="http://localhost/ko",
    )
    assert start.reference.startswith("pi_") and start.confirmed is False
    assert start.client_secret and start.checkout_url.startswith("https://")


def test_start_funding_without_return_pages_gives_the_client_secret_only(provider) -> None:
    start = provider.start_funding(_ref(payment_intent_id=None), success_url=None, cancel_url=None)
    assert start.client_secret and start.checkout_url is None


def test_start_funding_reuses_a_payment_intent_that_can_still_be_paid(provider) -> None:
    # stripe-mock's retrieve answers a fixture in `requires_payment_method`: it is reused
    start = provider.start_funding(
        _ref(payment_intent_id="pi_existing"), success_url=None, cancel_url=None
    )
    assert start.reference == "pi_existing"


def test_pay_out_transfers_to_the_connected_account(provider) -> None:
    transfer = provider.pay_out(_ref(), 96_800)
    assert transfer is not None and transfer.startswith("tr_")
    assert provider.pay_out(_ref(), 0) is None
    with pytest.raises(PaymentError) as refused:
        provider.pay_out(_ref(payout_account_id=None), 96_800)
    assert refused.value.retryable is False


def test_refunds(provider) -> None:
    refund = provider.refund(_ref(), 110_000)
    assert refund is not None and refund.startswith("re_")
    assert provider.refund(_ref(), 50_000, purpose="resolution").startswith("re_")
    assert provider.refund(_ref(), 0) is None
    assert provider.refund_stray_payment(uuid.uuid4(), "pi_late", 110_000).startswith("re_")


def test_payout_accounts(provider) -> None:
    owner = PayoutOwner(user_id=uuid.uuid4(), email="marie@exemple.fr", display_name="Marie")
    account = provider.create_payout_account(owner)
    assert account.startswith("acct_")
    url = provider.onboarding_url(
        account, refresh_url="http://localhost/r", return_url="http://localhost/ret"
    )
    assert url.startswith("https://")
    status = provider.payout_account_status(account)
    assert status.account_id == account and status.payouts_enabled in (True, False)


def test_verify_event(provider) -> None:
    payload = (
        b'{"id": "evt_1", "object": "event", "type": "account.updated", "data": {"object": {}}}'
    )
    assert provider.verify_event(payload, sign(payload, WEBHOOK_SECRET))["id"] == "evt_1"
    for bad in (None, "", "t=1,v1=00", sign(payload, "whsec_other")):
        with pytest.raises(ValueError):
            provider.verify_event(payload, bad)


# --- errors ---------------------------------------------------------------------------


def test_stripe_errors_become_french_messages_refusal_or_outage() -> None:
    declined = to_payment_error(
        stripe.CardError("Your card was declined.", None, "card_declined", http_status=402)
    )
    assert declined.retryable is False and declined.code == "payment_declined"
    assert "refusé" in declined.message and "declined" not in declined.message
    outage = to_payment_error(stripe.APIConnectionError("Connection refused"))
    assert outage.retryable is True and "injoignable" in outage.message
    assert to_payment_error(stripe.APIError("boom", http_status=500)).retryable is True
    assert to_payment_error(stripe.RateLimitError("slow down")).retryable is True
    invalid = to_payment_error(stripe.InvalidRequestError("No such charge", "charge"))
    assert invalid.retryable is False


def _stripe_down(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Stripe unreachable (nothing listens on that port), no retries; returns the working one."""
    working = app.extensions["payment_provider"]
    settings = dataclasses.replace(
        app.config["MARKETPLACE_SETTINGS"], stripe_api_base="http://127.0.0.1:9"
    )
    monkeypatch.setitem(
        app.extensions, "payment_provider", StripeProvider(settings, max_network_retries=0)
    )
    return working


def _post(sapi, path: str, token: str, json: Any = None) -> Any:
    return sapi.client.post(path, json=json or {}, headers={"Authorization": f"Bearer {token}"})


def test_an_outage_when_funding_answers_503_and_a_retry_works(
    sapi, stripe_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    deal = f.Deal(sapi).hire()
    working = _stripe_down(stripe_app, monkeypatch)
    response = _post(sapi, f"/api/v1/contracts/{deal.contract_id}/fund", deal.business["token"])
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    body = response.get_json()
    assert body["error"] == "provider_unavailable" and "réessayez" in body["message"]
    c = contract(sapi, deal)
    assert c["status"] == "awaiting_funding" and c["payment_intent_id"] is None
    monkeypatch.setitem(stripe_app.extensions, "payment_provider", working)
    assert deal.act("fund", "business")[0] == 200


def test_an_outage_when_releasing_keeps_the_money_held_and_a_retry_works(
    sapi, stripe_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    deal = funded_deal(sapi)
    assert deal.act("deliver", "secretary")[0] == 200
    working = _stripe_down(stripe_app, monkeypatch)
    response = _post(sapi, f"/api/v1/contracts/{deal.contract_id}/approve", deal.business["token"])
    assert response.status_code == 503
    assert contract(sapi, deal)["status"] == "delivered"
    assert_balanced(deal, 110_000)
    status, invoices = sapi.get(
        f"/api/v1/contracts/{deal.contract_id}/invoices", token=deal.business["token"]
    )
    assert invoices == []
    monkeypatch.setitem(stripe_app.extensions, "payment_provider", working)
    status, body = deal.act("approve", "business")
    assert status == 200 and body["status"] == "released"
    assert_balanced(deal, 0)


def test_a_declined_card_answers_402_and_changes_nothing(
    sapi, stripe_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    deal = f.Deal(sapi).hire()
    provider = stripe_app.extensions["payment_provider"]

    def declined(*args: Any, **kwargs: Any) -> Any:
        raise stripe.CardError("Your card was declined.", None, "card_declined", http_status=402)

    monkeypatch.setattr(provider.client.v1.payment_intents, "create", declined)
    status, body = deal.act("fund", "business")
    assert status == 402
    assert body["error"] == "payment_declined" and "refusé" in body["message"]
    assert contract(sapi, deal)["status"] == "awaiting_funding"


def test_a_refund_outage_on_cancel_keeps_the_contract_funded(
    sapi, stripe_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    deal = funded_deal(sapi)
    working = _stripe_down(stripe_app, monkeypatch)
    response = _post(sapi, f"/api/v1/contracts/{deal.contract_id}/cancel", deal.secretary["token"])
    assert response.status_code == 503
    c = contract(sapi, deal)
    assert c["status"] == "funded" and c["refund_id"] is None
    assert_balanced(deal, 110_000)
    monkeypatch.setitem(stripe_app.extensions, "payment_provider", working)
    status, body = deal.act("cancel", "secretary")
    assert status == 200 and body["refund_id"].startswith("re_")
    assert_balanced(deal, 0)


def test_signed_funding_event_funds_even_through_checkout(sapi) -> None:
    deal = f.Deal(sapi).hire()
    assert deal.act("fund", "business")[0] == 200
    # Checkout creates its own PaymentIntent: the webhook finds the contract by metadata
    _, answer = post_event(sapi, pi_succeeded(deal.contract_id, 110_000, pi="pi_from_checkout"))
    assert answer["outcome"] == "funded"
    assert contract(sapi, deal)["payment_intent_id"] == "pi_from_checkout"
