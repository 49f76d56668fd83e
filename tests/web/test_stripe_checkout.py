"""Funding with the Stripe provider (against stripe-mock) sends the browser to Stripe Checkout."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from tests.payments.conftest import stripe_app, stripe_base  # noqa: F401  (fixtures)
from tests.web.browser import Browser
from tests.web.steps import WebDeal


@pytest.fixture
def stripe_browser(stripe_app: Flask) -> Callable[[], Browser]:  # noqa: F811
    return lambda: Browser(stripe_app.test_client())


def test_paying_with_stripe_redirects_to_the_hosted_checkout_page(stripe_browser) -> None:
    deal = WebDeal(stripe_browser)
    deal.hire()
    confirm = deal.business.get(f"{deal.contract_path}/payer")
    token = confirm.form(f"{deal.contract_path}/payer").csrf_token
    response = deal.business.post_raw(f"{deal.contract_path}/payer", {"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"].startswith("https://")
    assert "stripe.com" in response.headers["Location"]

    # Back from Checkout: the contract waits for Stripe's confirmation (the webhook).
    page = deal.business.get(f"{deal.contract_path}?paiement=reussi")
    assert "En attente de paiement" in page
    assert "Votre paiement est en cours de confirmation" in page
    page = deal.business.get(f"{deal.contract_path}?paiement=annule")
    assert "Le paiement n'a pas été effectué." in page
