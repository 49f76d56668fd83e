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
from datetime import date
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class ContractRef:
    """What payments know of a contract: ids, amounts and the commission, never the ORM
    object (payments never import the contracts domain; it builds this reference)."""

    id: uuid.UUID
    mission_title: str
    amount_cents: int
    business_id: uuid.UUID
    secretary_id: uuid.UUID
    payment_intent_id: str | None
    # The charge that funded the escrow: a Stripe transfer names it as `source_transaction`.
    charge_id: str | None = None
    # The secretary's connected (payout) account, when she has one.
    payout_account_id: str | None = None
    # The commission frozen on the contract when it was made.
    commission_basis_points: int = 0
    commission_cents: int = 0
    # A part of the contract with its own escrow (a period of regular work, a milestone):
    # `amount_cents` and the provider ids are then the part's, and its ledger legs carry it.
    part_id: uuid.UUID | None = None
    # Regular work: the payment method the business saved for the next periods.
    customer_id: str | None = None
    payment_method_id: str | None = None

    @property
    def payout_cents(self) -> int:
        return self.amount_cents - self.commission_cents

    def key(self, action: str) -> str:
        """The idempotency key of `action` on this contract (or on this part of it)."""
        scope = f"{self.id}" if self.part_id is None else f"{self.id}-part-{self.part_id}"
        return f"contract-{scope}-{action}"


@dataclass(frozen=True)
class EscrowState:
    """A contract as the webhook handlers need to see it (read under a row lock)."""

    ref: ContractRef
    awaiting_payment: bool


class EscrowOutcomes(Protocol):
    """What the payments domain reports to the domain that owns the contracts.

    Payments (webhooks from Stripe) learn that money arrived, failed, was disputed by a
    bank; they tell it through this hook, registered at start-up by the contracts domain
    (`marketplace.contracts.outcomes`), and never touch a contract themselves.
    Each method runs in the caller's transaction; the webhook handler commits.
    """

    def find(
        self,
        *,
        contract_id: uuid.UUID | None = None,
        payment_intent: str | None = None,
        charge: str | None = None,
        transfer: str | None = None,
    ) -> uuid.UUID | None:
        """The contract these provider references belong to, if any."""
        ...

    def lock(
        self,
        contract_id: uuid.UUID,
        *,
        part_id: uuid.UUID | None = None,
        payment_intent: str | None = None,
    ) -> EscrowState | None:
        """The contract's current state, its row locked until the transaction ends; for a
        payment of one of its parts (a period), that part's state (`ref.part_id` set)."""
        ...

    def funded(
        self,
        contract_id: uuid.UUID,
        payment: str,
        charge: str | None,
        *,
        part_id: uuid.UUID | None = None,
        payment_method: str | None = None,
    ) -> bool:
        """The payment succeeded: move the contract (or its part) to funded (False if it was
        not waiting); a part's payment method is kept for the next periods."""
        ...

    def charge_known(
        self, contract_id: uuid.UUID, charge: str, *, part_id: uuid.UUID | None = None
    ) -> None:
        """The charge behind an already recorded payment (needed to pay the secretary)."""
        ...

    def payment_failed(
        self, contract_id: uuid.UUID, message: str, *, part_id: uuid.UUID | None = None
    ) -> None:
        """The newest failed payment attempt, shown to the business while it has to pay."""
        ...

    def bank_dispute(self, contract_id: uuid.UUID, note: str) -> bool:
        """The business's bank disputes the payment: freeze it (False if not possible)."""
        ...

    def note(self, contract_id: uuid.UUID, action: str, note: str) -> None:
        """An audit note on the contract for the operator; the status does not change."""
        ...


@dataclass(frozen=True)
class InvoiceParty:
    name: str
    siret: str | None
    address_lines: list[str]
    contact: str | None = None
    legal_form: str | None = None
    vat_exempt: bool = True
    # The structured address the e-invoice (CII) needs: street lines, postal code, city.
    postal_code: str | None = None
    city: str | None = None
    country: str = "FR"
    street_lines: tuple[str, ...] = ()
    # Her (or its) intra-EU VAT number when VAT is charged.
    vat_number: str | None = None


@dataclass(frozen=True)
class InvoiceFacts:
    """What an invoice says about the work, given by the contracts domain at release."""

    contract: ContractRef
    service_date: date
    work_detail: str  # "Prestation au forfait", "Prestation au temps passé : 12 h"
    secretary: InvoiceParty
    business: InvoiceParty
    # The period the service covers: from the funding (work may start) to the delivery.
    period_start: date | None = None
    # The day the business paid (into escrow).
    paid_on: date | None = None
    # Hourly work: the hours billed (the quantity of the invoice line); None for a fixed price.
    hours: float | None = None
    # Time billed by kind of hours (a line each: normal, evening...), from the time entries.
    hour_lines: tuple[HourLine, ...] = ()
    # The time entries annexed to a period's invoice.
    annex: tuple[AnnexEntry, ...] = ()


@dataclass(frozen=True)
class HourLine:
    label: str  # "Heures normales", "Heures du soir (+25 %)"
    minutes: int
    amount_cents: int


@dataclass(frozen=True)
class AnnexEntry:
    worked_on: date
    description: str
    kind: str
    minutes: int
    amount_cents: int


@dataclass(frozen=True)
class FundingStart:
    """The answer to "the business wants to pay".

    `confirmed` means the money is already held (the sandbox); otherwise the
    provider confirms later (Stripe: a webhook) and the client uses
    `client_secret` (its own payment form, Stripe.js) or `checkout_url`
    (Stripe's hosted page, what our web pages use) to pay.
    """

    reference: str
    confirmed: bool
    client_secret: str | None = None
    checkout_url: str | None = None


@dataclass(frozen=True)
class PayoutOwner:
    """The secretary who connects a payout account."""

    user_id: uuid.UUID
    email: str
    display_name: str


@dataclass(frozen=True)
class PayoutStatus:
    account_id: str
    payouts_enabled: bool
    details_submitted: bool


class PaymentError(Exception):
    """The provider refused or could not be reached; nothing was recorded.

    `retryable` tells the two cases apart: True for an outage (network, Stripe
    down, rate limit: the same request may work later, HTTP 503), False for a
    refusal (card declined, operation rejected: retrying as is will not help,
    HTTP 402).
    """

    def __init__(self, message: str, *, retryable: bool = True, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.code = code or ("provider_unavailable" if retryable else "payment_refused")


class PaymentProvider(Protocol):
    name: str
    # True when a secretary without a payout account can still be paid (the sandbox).
    payouts_enabled_by_default: bool

    def start_funding(
        self, contract: ContractRef, *, success_url: str | None, cancel_url: str | None
    ) -> FundingStart:
        """Ask the business to pay `contract.amount_cents` into escrow. For a part of regular
        work (`contract.part_id`) the payment method is saved for the next periods."""
        ...

    def create_customer(self, owner: PayoutOwner, contract_id: uuid.UUID) -> str:
        """The business as a customer of the provider, to keep a payment method."""
        ...

    def charge_saved_method(self, contract: ContractRef) -> FundingStart:
        """Charge the payment method saved on an earlier period, off-session (the business
        is not there). PaymentError when the provider refuses it."""
        ...

    def pay_out(
        self, contract: ContractRef, payout_cents: int, *, purpose: str = "release"
    ) -> str | None:
        """Send the secretary her share; returns the provider's transfer id."""
        ...

    def refund(
        self, contract: ContractRef, amount_cents: int, *, purpose: str = "cancel"
    ) -> str | None:
        """Give the business `amount_cents` back; returns the provider's refund id."""
        ...

    def refund_stray_payment(
        self, contract_id: uuid.UUID, payment_reference: str, amount_cents: int
    ) -> str | None:
        """Refund a payment that arrived when the contract no longer needed it."""
        ...

    def reverse_payout(
        self, contract: ContractRef, transfer_id: str, amount_cents: int, *, purpose: str
    ) -> str | None:
        """Take `amount_cents` of a transfer already paid to the secretary back to the
        platform's balance (a refund after release); returns the provider's reversal id."""
        ...

    def create_payout_account(self, owner: PayoutOwner) -> str:
        """Open the secretary's payout account; returns its id."""
        ...

    def onboarding_url(self, account_id: str, *, refresh_url: str, return_url: str) -> str:
        """Where the secretary fills in her payout details (single use, short lived)."""
        ...

    def payout_account_status(self, account_id: str) -> PayoutStatus: ...


@dataclass(frozen=True)
class ProviderRecord:
    """What the provider's own records say about one object whose id we keep (a charge, a
    payment intent, a transfer, a refund), for the reconciliation (operations/reconcile.py).
    Amounts in cents; `found` False when the provider does not know the id."""

    kind: str  # "charge", "payment_intent", "transfer", "refund"
    id: str
    found: bool = True
    amount_cents: int = 0
    status: str | None = None
    # A charge: what was refunded of it; a payment intent: what it received.
    refunded_cents: int = 0
    received_cents: int = 0
    # A transfer: what was reversed of it, and where it went.
    reversed_cents: int = 0
    destination: str | None = None
    # The contract the object names in its metadata (None when it names none).
    contract_id: str | None = None
    payment_intent: str | None = None
    error: str | None = None


@runtime_checkable
class ProviderRecords(Protocol):
    """A provider that keeps records of its own to reconcile against (Stripe; the sandbox
    keeps none: its money is only our ledger)."""

    def record_of(self, kind: str, object_id: str) -> ProviderRecord:
        """The provider's record of `object_id`; PaymentError when it cannot be reached."""
        ...


def idempotency_key(contract_id: uuid.UUID, action: str) -> str:
    return f"contract-{contract_id}-{action}"
