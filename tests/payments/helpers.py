"""Shared steps of the payments tests (through the API, as a client would)."""

from __future__ import annotations

from typing import Any

from tests import factories as f
from tests.conftest import ApiClient
from tests.payments.conftest import account_updated, pi_succeeded, post_event


def connect_payouts(api: ApiClient, secretary: dict[str, Any], enabled: bool = True) -> str:
    """The secretary opens her Stripe account (onboarding link) and Stripe says it is enabled."""
    status, body = api.post("/api/v1/me/payouts/onboarding", token=secretary["token"])
    assert status == 200, body
    assert body["url"].startswith("http")
    status, payouts = api.get("/api/v1/me/payouts", token=secretary["token"])
    assert status == 200, payouts
    account = str(payouts["account_id"])
    assert account.startswith("acct_")
    if enabled:
        code, answer = post_event(api, account_updated(account, True))
        assert code == 200, answer
    return account


def funded_deal(api: ApiClient, *, payouts: bool = True, amount_cents: int = 110_000) -> f.Deal:
    """A contract paid with Stripe: `fund` opens the payment, the webhook confirms it."""
    deal = f.Deal(api, amount_cents).hire()
    if payouts:
        connect_payouts(api, deal.secretary)
    status, body = deal.act("fund", "business")
    assert status == 200, body
    assert body["status"] == "awaiting_funding"
    pi = body["payment"]["reference"]
    deal.pi = pi  # type: ignore[attr-defined]
    code, answer = post_event(api, pi_succeeded(deal.contract_id, amount_cents, pi=pi))
    assert code == 200 and answer["outcome"] == "funded", answer
    return deal


def contract(api: ApiClient, deal: f.Deal) -> dict[str, Any]:
    status, body = api.get(f"/api/v1/contracts/{deal.contract_id}", token=deal.business["token"])
    assert status == 200, body
    return dict(body)


def assert_balanced(deal: f.Deal, held: int) -> dict[str, Any]:
    ledger = deal.ledger()
    assert ledger["balanced"] is True, ledger
    assert ledger["held_cents"] == held, ledger
    assert sum(ledger["balances"].values()) == 0
    return ledger
