"""Choose the payment provider from configuration, once, at start-up."""

from __future__ import annotations

from marketplace.config import ConfigError, Settings
from marketplace.payments.interfaces import PaymentProvider
from marketplace.payments.sandbox import SandboxProvider


def build_provider(settings: Settings) -> PaymentProvider:
    if settings.payments_provider == "stripe":
        raise ConfigError(
            "PAYMENTS_PROVIDER=stripe: the Stripe provider is not part of this version"
        )
    return SandboxProvider()
