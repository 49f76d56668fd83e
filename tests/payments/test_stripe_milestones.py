"""Milestones with PAYMENTS_PROVIDER=stripe, against stripe-mock: each milestone is paid by
its own PaymentIntent (metadata `part_id`), funded by the signed webhook, released by a
transfer; the ledger balances per milestone."""

from __future__ import annotations

from tests.contracts.test_milestones import Split
from tests.payments.conftest import pi_succeeded, post_event
from tests.payments.helpers import connect_payouts


def _paid(sapi, deal: Split, position: int) -> dict:  # type: ignore[no-untyped-def]
    milestone = deal.milestones()[position - 1]
    status, body = deal.act(position, "fund", "business")
    assert status == 200, body
    assert body["status"] == "awaiting_funding"  # Stripe has not confirmed yet
    assert body["payment"]["provider"] == "stripe"
    assert body["payment"]["checkout_url"].startswith("https://")
    pi = body["payment"]["reference"]
    assert body["milestone"]["payment_intent_id"] == pi
    assert deal.ledger()["held_cents"] == sum(
        m["held_cents"] for m in deal.milestones()
    )  # nothing new held before the webhook
    paid = pi_succeeded(deal.contract["id"], milestone["amount_cents"], pi=pi)
    paid["data"]["object"]["metadata"]["part_id"] = milestone["id"]
    code, answer = post_event(sapi, paid)
    assert code == 200 and answer["outcome"] == "funded", answer
    # The same event again (a new id, Stripe retrying differently): nothing moves twice.
    again = pi_succeeded(deal.contract["id"], milestone["amount_cents"], pi=pi)
    again["data"]["object"]["metadata"]["part_id"] = milestone["id"]
    code, answer = post_event(sapi, again)
    assert code == 200 and answer["outcome"] == "already_funded", answer
    return deal.milestones()[position - 1]


def test_each_milestone_is_paid_by_its_own_payment_and_released_by_a_transfer(sapi) -> None:
    deal = Split(sapi, (60_000, 40_000)).hire()
    connect_payouts(sapi, deal.secretary)

    first = _paid(sapi, deal, 1)
    assert first["status"] == "funded" and first["held_cents"] == 60_000
    assert deal.get()["status"] == "funded"
    deal.walk(1, "deliver")
    status, body = deal.act(1, "approve", "business")
    assert status == 200, body
    assert body["status"] == "released" and body["transfer_id"].startswith("tr_")

    second = _paid(sapi, deal, 2)
    assert second["held_cents"] == 40_000
    deal.walk(2, "deliver", "approve")
    contract = deal.get()
    assert contract["status"] == "released"
    ledger = deal.ledger()
    assert ledger["balanced"] and ledger["held_cents"] == 0
    assert ledger["balances"]["secretary"] == 52_800 + 35_200
    assert ledger["balances"]["platform"] == 7_200 + 4_800
