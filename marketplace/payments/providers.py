"""Choose the payment provider from configuration, once, at start-up."""

from __future__ import annotations

from marketplace.config import Settings
from marketplace.payments.interfaces import PaymentProvider
from marketplace.payments.sandbox import SandboxProvider


def build_provider(settings: Settings) -> PaymentProvider:
    if settings.payments_provider == "stripe":
        from marketplace.payments.stripe_provider import StripeProvider

        return StripeProvider(settings)
    return SandboxProvider(settings.secret_key)
