"""Payments tests: an app on the Stripe provider against stripe-mock, and signed webhooks.

stripe-mock is a real service started by scripts/test (scripts/services/stripe-mock.sh);
its URL comes from STRIPE_API_BASE. When it cannot be reached these tests FAIL: they
are never skipped, so CI cannot go green without having talked to it.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import json
import os
import socket
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask

from tests.conftest import ApiClient, make_app

STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "http://127.0.0.1:12111")
WEBHOOK_SECRET = "whsec_test_payments"
WEBHOOK_PATH = "/api/v1/payments/stripe/webhook"


@pytest.fixture(scope="session")
def stripe_base() -> str:
    parts = urlsplit(STRIPE_API_BASE)
    try:
        with socket.create_connection((parts.hostname, parts.port or 80), timeout=3):
            pass
    except OSError as exc:
        pytest.fail(
            f"stripe-mock is not reachable at {STRIPE_API_BASE} ({exc}): start it with "
            "scripts/services/stripe-mock.sh (scripts/test does)",
            pytrace=False,
        )
    return STRIPE_API_BASE


@pytest.fixture(scope="session")
def stripe_app(
    app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory, stripe_base: str
) -> Iterator[Flask]:
    """The same database as `app` (already migrated), the Stripe provider on stripe-mock."""
    from marketplace.extensions import db

    application = make_app(
        database_url,
        tmp_path_factory,
        PAYMENTS_PROVIDER="stripe",
        STRIPE_SECRET_KEY="sk_test_123",
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=stripe_base,
        # With real money the platform's identity is required (marketplace/config.py).
        PLATFORM_LEGAL_NAME="Secrétaires indépendantes SAS",
        PLATFORM_ADDRESS="12 rue de la République, 69002 Lyon",
        PLATFORM_SIRET="44306184100047",
        PLATFORM_VAT_NUMBER="FR64443061841",
    )
    yield application
    # Its own pool: close it before the test database is dropped.
    for each in (application, app):
        with each.app_context():
            db.session.remove()
            db.engine.dispose()
    gc.collect()


@pytest.fixture
def sapi(stripe_app: Flask) -> ApiClient:
    return ApiClient(stripe_app.test_client())


@pytest.fixture
def sctx(stripe_app: Flask) -> Iterator[Flask]:
    with stripe_app.app_context():
        yield stripe_app


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """Stripe's scheme: `t=<unix time>,v1=<HMAC-SHA256(secret, "<t>.<payload>")>`."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def post_event(api: ApiClient, event: dict[str, Any], **sign_kw: Any) -> tuple[int, Any]:
    payload = json.dumps(event).encode()
    response = api.client.post(
        WEBHOOK_PATH,
        data=payload,
        headers={"Stripe-Signature": sign(payload, **sign_kw), "Content-Type": "application/json"},
    )
    assert response.status_code < 500, response.get_data(as_text=True)
    return response.status_code, response.get_json(silent=True)


# --- events as Stripe sends them (only the fields we read, plus a few) -----------------

_clock = [1_790_000_000]


def _created(created: int | None) -> int:
    if created is not None:
        return created
    _clock[0] += 1
    return _clock[0]


def event(kind: str, obj: dict[str, Any], created: int | None = None) -> dict[str, Any]:
    return {
        "id": f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "api_version": "2026-10-28.endive",
        "type": kind,
        "created": _created(created),
        "livemode": False,
        "pending_webhooks": 1,
        "data": {"object": obj},
    }


def pi_succeeded(
    contract_id: str, amount: int, pi: str = "pi_test_1", charge: str = "ch_test_1", **kw: Any
) -> dict[str, Any]:
    return event(
        "payment_intent.succeeded",
        {
            "id": pi,
            "object": "payment_intent",
            "amount": amount,
            "amount_received": amount,
            "currency": "eur",
            "status": "succeeded",
            "latest_charge": charge,
            "transfer_group": f"contract_{contract_id}",
            "metadata": {"contract_id": contract_id, "purpose": "funding"},
        },
        **kw,
    )


def pi_failed(
    contract_id: str,
    amount: int,
    decline_code: str = "insufficient_funds",
    pi: str = "pi_test_1",
    **kw: Any,
) -> dict[str, Any]:
    return event(
        "payment_intent.payment_failed",
        {
            "id": pi,
            "object": "payment_intent",
            "amount": amount,
            "currency": "eur",
            "status": "requires_payment_method",
            "last_payment_error": {
                "type": "card_error",
                "code": "card_declined",
                "decline_code": decline_code,
                "message": "Your card has insufficient funds.",
            },
            "metadata": {"contract_id": contract_id},
        },
        **kw,
    )


def charge_refunded(
    amount: int, refunded: int, pi: str = "pi_test_1", charge: str = "ch_test_1", **kw: Any
) -> dict[str, Any]:
    return event(
        "charge.refunded",
        {
            "id": charge,
            "object": "charge",
            "amount": amount,
            "amount_refunded": refunded,
            "currency": "eur",
            "payment_intent": pi,
            "refunded": refunded == amount,
            "metadata": {},
        },
        **kw,
    )


def dispute_created(
    amount: int, pi: str = "pi_test_1", charge: str = "ch_test_1", **kw: Any
) -> dict[str, Any]:
    return event(
        "charge.dispute.created",
        {
            "id": f"du_{uuid.uuid4().hex[:20]}",
            "object": "dispute",
            "amount": amount,
            "currency": "eur",
            "charge": charge,
            "payment_intent": pi,
            "reason": "fraudulent",
            "status": "needs_response",
        },
        **kw,
    )


def transfer_reversed(
    contract_id: str, amount: int, transfer: str = "tr_test_1", **kw: Any
) -> dict[str, Any]:
    return event(
        "transfer.reversed",
        {
            "id": transfer,
            "object": "transfer",
            "amount": amount,
            "amount_reversed": amount,
            "reversed": True,
            "currency": "eur",
            "transfer_group": f"contract_{contract_id}",
            "metadata": {},
        },
        **kw,
    )


def account_updated(account: str, enabled: bool, **kw: Any) -> dict[str, Any]:
    return event(
        "account.updated",
        {
            "id": account,
            "object": "account",
            "type": "express",
            "charges_enabled": enabled,
            "payouts_enabled": enabled,
            "details_submitted": enabled,
        },
        **kw,
    )
