"""What the rest of the code may ask of a payment provider.

A provider moves real (or sandbox) money; it never touches our database. The
escrow service (`escrow.py`) decides *when* money moves, asks the provider to
move it, and records each movement in the ledger. Every call carries an
idempotency key derived from the contract and the action, so a retry after a
timeout or a crash never moves money twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ContractRef:
    """The facts about a contract a provider needs, without the ORM object."""

    id: uuid.UUID
    mission_title: str
    amount_cents: int
    business_id: uuid.UUID
    secretary_id: uuid.UUID
    payment_intent_id: str | None


@dataclass(frozen=True)
class FundingStart:
    """The answer to "the business wants to pay".

    `confirmed` means the money is already held (the sandbox); otherwise the
    provider confirms later (Stripe: a webhook) and the client uses
    `client_secret` or `checkout_url` to pay.
    """

    reference: str
    confirmed: bool
    client_secret: str | None = None
    checkout_url: str | None = None


class PaymentError(Exception):
    """The provider refused or could not be reached; nothing was recorded."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class PaymentProvider(Protocol):
    name: str

    def start_funding(
        self, contract: ContractRef, *, success_url: str | None, cancel_url: str | None
    ) -> FundingStart: ...

    def pay_out(self, contract: ContractRef, payout_cents: int) -> str | None:
        """Send the secretary her share; returns the provider's transfer id."""
        ...

    def refund(self, contract: ContractRef, amount_cents: int) -> str | None:
        """Give the business `amount_cents` back; returns the provider's refund id."""
        ...


def idempotency_key(contract_id: uuid.UUID, action: str) -> str:
    return f"contract-{contract_id}-{action}"
