"""The sandbox provider: escrow is recorded, no real money moves.

It is the default for development and small demos. Its references are
derived from the contract id and the action, so they are stable across
retries exactly as the real provider's idempotency keys make Stripe's.

Payout accounts: every secretary can be paid in the sandbox unless she has a
payout account row saying otherwise (`payouts_enabled_by_default`). Its
onboarding "page" is a local one (`web.sandbox_onboarding`) that
turns the account on, so the web flow works without Stripe.
"""

from __future__ import annotations

import uuid

from itsdangerous import URLSafeTimedSerializer

from marketplace.payments.interfaces import ContractRef, FundingStart, PayoutOwner, PayoutStatus
from marketplace.urls import external_url

ONBOARDING_SALT = "sandbox-payout-onboarding"


def _scope(contract: ContractRef) -> str:
    """The contract's id, or the contract's and its part's (a period, a milestone)."""
    if contract.part_id is None:
        return contract.id.hex
    return f"{contract.id.hex}_{contract.part_id.hex[:12]}"


class SandboxProvider:
    name = "sandbox"
    payouts_enabled_by_default = True

    def __init__(self, secret_key: str = "") -> None:
        self._secret_key = secret_key

    def start_funding(
        self, contract: ContractRef, *, success_url: str | None, cancel_url: str | None
    ) -> FundingStart:
        return FundingStart(reference=f"sbx_pi_{_scope(contract)}", confirmed=True)

    def create_customer(self, owner: PayoutOwner, contract_id: uuid.UUID) -> str:
        return f"sbx_cus_{owner.user_id.hex}"

    def charge_saved_method(self, contract: ContractRef) -> FundingStart:
        # Paying a first period "saves" the sandbox's payment method: the next ones succeed.
        return FundingStart(reference=f"sbx_pi_{_scope(contract)}", confirmed=True)

    def pay_out(
        self, contract: ContractRef, payout_cents: int, *, purpose: str = "release"
    ) -> str | None:
        return f"sbx_tr_{_scope(contract)}" if payout_cents > 0 else None

    def refund(
        self, contract: ContractRef, amount_cents: int, *, purpose: str = "cancel"
    ) -> str | None:
        return f"sbx_re_{_scope(contract)}" if amount_cents > 0 else None

    def reverse_payout(
        self, contract: ContractRef, transfer_id: str, amount_cents: int, *, purpose: str
    ) -> str | None:
        return f"sbx_trr_{_scope(contract)}_{purpose}" if amount_cents > 0 else None

    def refund_stray_payment(
        self, contract_id: uuid.UUID, payment_reference: str, amount_cents: int
    ) -> str | None:
        return f"sbx_re_{contract_id.hex}_stray"

    def create_payout_account(self, owner: PayoutOwner) -> str:
        return f"sbx_acct_{owner.user_id.hex}"

    def onboarding_url(self, account_id: str, *, refresh_url: str, return_url: str) -> str:
        token = self.serializer().dumps({"account": account_id, "return": return_url})
        return external_url("web.sandbox_onboarding", token=token)

    def payout_account_status(self, account_id: str) -> PayoutStatus:
        # The sandbox has no remote state: the local onboarding page is what enables it.
        return PayoutStatus(account_id=account_id, payouts_enabled=False, details_submitted=False)

    def serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self._secret_key, salt=ONBOARDING_SALT)
