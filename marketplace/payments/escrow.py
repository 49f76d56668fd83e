"""Escrow money movements: ask the provider, then write the balanced ledger legs.

Payments own the money; the contracts domain owns the workflow. The contract workflow
(`marketplace.contracts.services`) claims its status transition inside the current
database transaction, then calls one of these with a `ContractRef` (ids, amounts,
commission): payments never import contracts. Each function returns the provider's
references for the caller to keep on its contract. If the provider fails, the caller
rolls back: the contract keeps its status and the ledger has no trace, so the same
action can simply be retried (the provider's idempotency keys make the retry safe on
its side).

A release also issues the invoices (`invoices.py`) in the same transaction: a
release that rolls back leaves no invoice and no used invoice number.

What the provider reports later (a webhook: money arrived, a bank dispute) goes back
to the contracts domain through the `EscrowOutcomes` hook it registers at start-up
(`outcomes()`).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from marketplace.payments import invoices, ledger, payouts
from marketplace.payments.interfaces import (
    ContractRef,
    EscrowOutcomes,
    InvoiceFacts,
    PaymentProvider,
)
from marketplace.payments.models import Account, Invoice, LedgerKind


def provider() -> PaymentProvider:
    selected: PaymentProvider = current_app.extensions["payment_provider"]
    return selected


def outcomes() -> EscrowOutcomes:
    """The hook the contracts domain registered (`app.extensions["escrow_outcomes"]`)."""
    hook: EscrowOutcomes = current_app.extensions["escrow_outcomes"]
    return hook


def payout_account_id(secretary_id: object) -> str | None:
    """The secretary's payout account at the configured provider, if she has one."""
    account = payouts.account_for(secretary_id)  # type: ignore[arg-type]
    if account is not None and account.provider == provider().name:
        return account.account_id
    return None


def record_funding(ref: ContractRef, reference: str) -> None:
    amount = ref.amount_cents
    ledger.record(
        ref.id,
        LedgerKind.FUNDING,
        {Account.BUSINESS: -amount, Account.ESCROW: amount},
        reference,
        part_id=ref.part_id,
    )


@dataclass(frozen=True)
class Settlement:
    """A part of regular work closed: what she was paid, the commission, what went back."""

    transfer_id: str | None
    refund_id: str | None
    released_cents: int
    commission_cents: int
    refunded_cents: int


def settle_part(ref: ContractRef, approved_cents: int, facts: InvoiceFacts | None) -> Settlement:
    """Close a funded part (a period): the approved amount goes to the secretary minus the
    commission on it, the rest of what is held back to the business. Two movements, each
    balanced; the invoices of the approved amount are issued with them."""
    held = ledger.held_cents(ref.id, ref.part_id)
    if not 0 <= approved_cents <= held:
        raise ledger.UnbalancedMovement(f"part {ref.part_id} holds {held}, cannot pay more")
    commission = ledger.commission_for(approved_cents, ref.commission_basis_points)
    payout = approved_cents - commission
    transfer = None
    if approved_cents:
        if payout:
            payouts.require_payouts(ref.secretary_id)
        transfer = provider().pay_out(ref, payout, purpose="release") if payout else None
        ledger.record(
            ref.id,
            LedgerKind.RELEASE,
            {
                Account.ESCROW: -approved_cents,
                Account.SECRETARY: payout,
                Account.PLATFORM: commission,
            },
            transfer,
            part_id=ref.part_id,
        )
        if facts is not None:
            invoices.issue_for_release(facts, approved_cents, commission)
    rest = held - approved_cents
    refund = None
    if rest:
        refund = provider().refund(ref, rest, purpose="unused")
        ledger.record(
            ref.id,
            LedgerKind.REFUND,
            {Account.ESCROW: -rest, Account.BUSINESS: rest},
            refund,
            part_id=ref.part_id,
        )
    return Settlement(transfer, refund, payout, commission, rest)


def release_to_secretary(ref: ContractRef, facts: InvoiceFacts) -> str | None:
    """The whole amount held goes to the secretary, minus the commission; returns the
    provider's transfer id."""
    held = ledger.held_cents(ref.id, ref.part_id)
    if held != ref.amount_cents:
        raise ledger.UnbalancedMovement(f"contract {ref.id} holds {held}, expected full amount")
    payouts.require_payouts(ref.secretary_id)
    transfer = provider().pay_out(ref, ref.payout_cents, purpose="release")
    ledger.record(
        ref.id,
        LedgerKind.RELEASE,
        {
            Account.ESCROW: -held,
            Account.SECRETARY: ref.payout_cents,
            Account.PLATFORM: ref.commission_cents,
        },
        transfer,
        part_id=ref.part_id,
    )
    invoices.issue_for_release(facts, held, ref.commission_cents)
    return transfer


def refund_business(ref: ContractRef) -> str | None:
    """Whatever is held goes back to the business; returns the provider's refund id."""
    held = ledger.held_cents(ref.id, ref.part_id)
    if held == 0:
        return None
    refund = provider().refund(ref, held, purpose="cancel")
    ledger.record(
        ref.id,
        LedgerKind.REFUND,
        {Account.ESCROW: -held, Account.BUSINESS: held},
        refund,
        part_id=ref.part_id,
    )
    return refund


@dataclass(frozen=True)
class Split:
    transfer_id: str | None
    refund_id: str | None
    commission_cents: int
    payout_cents: int


def split(ref: ContractRef, release_cents: int, refund_cents: int, facts: InvoiceFacts) -> Split:
    """Resolve a dispute: part to the secretary (minus commission on that part), part back.

    With Stripe: one partial Transfer (the payout) and one partial Refund; with
    the commission the platform keeps, they add up to the amount held.
    """
    held = ledger.held_cents(ref.id, ref.part_id)
    if release_cents + refund_cents != held:
        raise ledger.UnbalancedMovement("release and refund must add up to the amount held")
    commission = ledger.commission_for(release_cents, ref.commission_basis_points)
    payout = release_cents - commission
    if payout:
        payouts.require_payouts(ref.secretary_id)
    transfer = provider().pay_out(ref, payout, purpose="resolution") if payout else None
    refund = provider().refund(ref, refund_cents, purpose="resolution") if refund_cents else None
    ledger.record(
        ref.id,
        LedgerKind.RESOLUTION,
        {
            Account.ESCROW: -held,
            Account.SECRETARY: payout,
            Account.PLATFORM: commission,
            Account.BUSINESS: refund_cents,
        },
        " ".join(r for r in (transfer, refund) if r) or None,
        part_id=ref.part_id,
    )
    if release_cents:
        invoices.issue_for_release(facts, release_cents, commission)
    return Split(transfer, refund, commission, payout)


@dataclass(frozen=True)
class Credit:
    """Money given back to the business after a release, and the credit notes saying so."""

    reversal_id: str | None
    refund_id: str | None
    amount_cents: int
    secretary_cents: int
    commission_cents: int
    credit_notes: list[Invoice]


def credit_after_release(
    ref: ContractRef, service: Invoice, amount_cents: int, reason: str
) -> Credit:
    """Give `amount_cents` (all taxes included, at most what `service` billed) of a released
    contract or part back to the business: the platform gives back its commission on that
    amount and takes the rest back from what it paid her (with Stripe: a reversal of her
    transfer, then a refund on the business's payment). One balanced `credit` movement, and
    the credit notes of both invoices of the release (`invoices.issue_credit_notes`); the
    invoices themselves are never changed. Once per contract or part (ledger constraint)."""
    paid = ledger.paid_for(ref.id, ref.part_id)
    if paid is None or not 0 < amount_cents <= service.total_cents:
        raise ledger.UnbalancedMovement(f"cannot credit {amount_cents} on invoice {service.id}")
    commission = min(
        ledger.commission_for(amount_cents, ref.commission_basis_points), paid.commission_cents
    )
    from_secretary = amount_cents - commission
    if from_secretary > paid.payout_cents:
        raise ledger.UnbalancedMovement("more than she was paid")
    reversal = None
    if from_secretary:
        if paid.transfer_id is None:
            raise ledger.UnbalancedMovement("no transfer to reverse")
        reversal = provider().reverse_payout(
            ref, paid.transfer_id, from_secretary, purpose="credit"
        )
    refund = provider().refund(ref, amount_cents, purpose="credit")
    ledger.record(
        ref.id,
        LedgerKind.CREDIT,
        {
            Account.SECRETARY: -from_secretary,
            Account.PLATFORM: -commission,
            Account.BUSINESS: amount_cents,
        },
        " ".join(r for r in (reversal, refund) if r) or None,
        part_id=ref.part_id,
    )
    notes = invoices.issue_credit_notes(service, amount_cents, commission, reason)
    return Credit(reversal, refund, amount_cents, from_secretary, commission, notes)
