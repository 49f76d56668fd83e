"""The Stripe app (stripe-mock) of the payments tests: her identity badge comes from Stripe."""

from tests.payments.conftest import sapi, stripe_app, stripe_base  # noqa: F401
