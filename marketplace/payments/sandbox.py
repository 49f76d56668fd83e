"""The sandbox provider: escrow is recorded, no real money moves.

It is the default for development and small demos. Its references are
derived from the contract id and the action, so they are stable across
retries exactly as the real provider's idempotency keys make Stripe's.
"""

from __future__ import annotations

from marketplace.payments.interfaces import ContractRef, FundingStart


class SandboxProvider:
    name = "sandbox"

    def start_funding(
        self, contract: ContractRef, *, success_url: str | None, cancel_url: str | None
    ) -> FundingStart:
        return FundingStart(reference=f"sbx_pi_{contract.id.hex}", confirmed=True)

    def pay_out(self, contract: ContractRef, payout_cents: int) -> str | None:
        return f"sbx_tr_{contract.id.hex}" if payout_cents > 0 else None

    def refund(self, contract: ContractRef, amount_cents: int) -> str | None:
        return f"sbx_re_{contract.id.hex}" if amount_cents > 0 else None
