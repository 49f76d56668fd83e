"""The journey with the Stripe provider against stripe-mock, in Chromium.

The site sends the secretary to Stripe's hosted onboarding and the business to Stripe's
hosted Checkout, by redirect: those two pages are the only places a visitor leaves the
site (they are answered locally by the browser harness; nothing leaves the machine).
Stripe's side of the story is told by the test: it sends the signed webhooks Stripe would
send (`account.updated`, `payment_intent.succeeded`) to the live server over HTTP, then
brings the visitor back to the return address, as Stripe does.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Browser, expect

from tests.browser.conftest import LiveServer, Visitors, browse
from tests.browser.steps import (
    MISSION_TITLE,
    accept_billing_mandate,
    fill_business_profile,
    fill_secretary_profile,
    flash,
    nav,
    path_of,
    post_mission,
    send_quote,
    sign_up,
)
from tests.payments.conftest import (  # noqa: F401  (stripe_app, stripe_base are fixtures)
    WEBHOOK_PATH,
    account_updated,
    pi_succeeded,
    sign,
    stripe_app,
    stripe_base,
)

AMOUNT = r"1\s100,00\s€"
# Stripe's hosted pages: Checkout, and Connect onboarding (stripe-mock's links use stripe.me).
STRIPE_HOSTS = ("checkout.stripe.com", "connect.stripe.com", "stripe.me")


@pytest.fixture(scope="module")
def stripe_server(stripe_app: Flask) -> Iterator[LiveServer]:  # noqa: F811
    server = LiveServer(stripe_app)
    yield server
    server.stop()


@pytest.fixture
def stripe_visitors(chromium: Browser, stripe_server: LiveServer) -> Iterator[Visitors]:
    yield from browse(chromium, stripe_server, exits=STRIPE_HOSTS)


def send_webhook(server: LiveServer, event: dict[str, Any]) -> dict[str, Any]:
    """What Stripe does: POST the signed event to the site's webhook address."""
    payload = json.dumps(event).encode()
    request = urllib.request.Request(  # noqa: S310  (the loopback live server)
        server.url + WEBHOOK_PATH,
        data=payload,
        headers={"Stripe-Signature": sign(payload), "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
        assert response.status == 200
        answer: dict[str, Any] = json.loads(response.read())
    return answer


def _scalar(app: Flask, query: sa.Select[Any]) -> Any:
    from marketplace.extensions import db

    with app.app_context():
        return db.session.scalar(query)


def test_with_stripe_she_connects_payouts_and_the_business_pays_on_checkout(
    stripe_visitors: Visitors,
    stripe_server: LiveServer,
    stripe_app: Flask,  # noqa: F811
) -> None:
    from marketplace.accounts.models import User
    from marketplace.contracts.models import Contract
    from marketplace.payments.models import PayoutAccount

    # She signs up, fills her profile and connects her payout account on Stripe.
    claire = stripe_visitors.new()
    email = sign_up(claire, "secretary", "Claire Dubois", app=stripe_app)
    fill_secretary_profile(claire)
    accept_billing_mandate(claire)
    nav(claire, "Versements")
    expect(claire.get_by_role("main")).to_contain_text(
        "Vous n'avez pas encore connecté de compte de versement."
    )
    claire.get_by_role("button", name="Connecter mon compte de versement").click()
    expect(claire).to_have_url(re.compile(r"^https://[^/]*stripe\.(com|me)/"))
    assert set(stripe_visitors.traffic.exits_taken) == {claire.url}

    # Stripe brings her back; it is still checking her details, then says so by webhook.
    claire.goto("/versements/retour")
    flash(claire, "Stripe vérifie encore vos informations")
    user_id = _scalar(stripe_app, sa.select(User.id).where(User.email == email))
    account = _scalar(
        stripe_app, sa.select(PayoutAccount.account_id).where(PayoutAccount.user_id == user_id)
    )
    assert account and account.startswith("acct_")
    answer = send_webhook(
        stripe_server, account_updated(account, True, created=int(time.time()) + 60)
    )
    assert answer.get("outcome") != "ignored", answer
    claire.reload()
    expect(claire.get_by_role("main")).to_contain_text(
        "Votre compte de versement est actif : vous êtes payée à chaque mission validée."
    )

    # The business posts a mission, invites her from the ranked list; she quotes.
    martin = stripe_visitors.new()
    sign_up(martin, "business", "Dr Martin", app=stripe_app)
    fill_business_profile(martin)
    post_mission(martin)
    matches = martin.get_by_role("region", name="Secrétaires pour cette mission")
    matches.get_by_role("button", name="Inviter Claire Dubois à proposer un devis").click()
    flash(martin, "Invitation envoyée")
    send_quote(claire)

    # Accept, then pay: the confirmation, then Stripe's hosted Checkout page.
    nav(martin, "Tableau de bord")
    martin.get_by_role("region", name="Mes missions").get_by_role(
        "link", name=MISSION_TITLE
    ).click()
    martin.get_by_role("button", name="Accepter ce devis…").click()
    martin.get_by_role("button", name="Oui, accepter ce devis").click()
    contract = path_of(martin, "contrats")
    martin.get_by_role("button", name=re.compile(f"Payer {AMOUNT} en séquestre")).click()
    martin.get_by_role("button", name=re.compile(f"Confirmer le paiement de {AMOUNT}")).click()
    expect(martin).to_have_url(re.compile(r"^https://checkout\.stripe\.com/"))
    assert martin.url in stripe_visitors.traffic.exits_taken

    # Back from Checkout before the webhook: the page says the payment is being confirmed.
    martin.goto(f"{contract}?paiement=reussi")
    expect(martin.get_by_role("main")).to_contain_text(
        "Votre paiement est en cours de confirmation"
    )
    expect(martin.get_by_role("main")).to_contain_text("En attente de paiement")

    # Stripe confirms the payment by webhook; the contract is funded.
    contract_id = uuid.UUID(contract.rsplit("/", 1)[1])
    intent = _scalar(
        stripe_app, sa.select(Contract.payment_intent_id).where(Contract.id == contract_id)
    )
    assert intent and intent.startswith("pi_")
    answer = send_webhook(stripe_server, pi_succeeded(str(contract_id), 110_000, pi=intent))
    assert answer["outcome"] == "funded", answer
    martin.reload()
    expect(martin.get_by_role("main")).to_contain_text("Payé, fonds en séquestre")

    # She accepts the written agreement, delivers; he approves; the transfer is made.
    claire.goto(contract)
    claire.get_by_role("region", name="Contrat de prestation").get_by_role(
        "button", name="J'accepte le contrat de prestation"
    ).click()
    claire.get_by_role("button", name="Marquer comme livré").click()
    flash(claire, "Travail marqué comme livré.")
    martin.reload()
    martin.get_by_role("button", name="Valider la livraison").click()
    martin.get_by_role("button", name="Valider et verser les fonds").click()
    flash(martin, "Livraison validée : les fonds sont versés à Claire Dubois.")
    expect(martin.get_by_role("main")).to_contain_text("Terminé, fonds versés")
    expect(martin.get_by_role("main")).to_contain_text("Versement à la secrétaire")

    # Her earnings count it.
    nav(claire, "Tableau de bord")
    expect(claire.get_by_role("region", name="Mes revenus")).to_contain_text(
        re.compile(r"968,00\s€")
    )
