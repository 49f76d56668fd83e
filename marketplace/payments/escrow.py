"""Escrow money movements: ask the provider, then write the balanced ledger legs.

Called by the contract workflow (`marketplace.contracts.services`) once it has
claimed the status transition inside the current database transaction. If the
provider fails, the caller rolls back: the contract keeps its status and the
ledger has no trace, so the same action can simply be retried (the provider's
idempotency keys make the retry safe on its side).

A release also issues the invoices (`invoices.py`) in the same transaction: a
release that rolls back leaves no invoice and no used invoice number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app

from marketplace.payments import invoices, ledger, payouts
from marketplace.payments.interfaces import ContractRef, PaymentProvider
from marketplace.payments.models import Account, LedgerKind

if TYPE_CHECKING:
    from marketplace.contracts.models import Contract


def provider() -> PaymentProvider:
    selected: PaymentProvider = current_app.extensions["payment_provider"]
    return selected


def contract_ref(contract: Contract) -> ContractRef:
    account = payouts.account_for(contract.secretary_id)
    return ContractRef(
        id=contract.id,
        mission_title=contract.mission.title,
        amount_cents=contract.amount_cents,
        business_id=contract.business_id,
        secretary_id=contract.secretary_id,
        payment_intent_id=contract.payment_intent_id,
        charge_id=contract.charge_id,
        payout_account_id=(
            account.account_id
            if account is not None and account.provider == provider().name
            else None
        ),
    )


def record_funding(contract: Contract, reference: str) -> None:
    amount = contract.amount_cents
    ledger.record(
        contract.id,
        LedgerKind.FUNDING,
        {Account.BUSINESS: -amount, Account.ESCROW: amount},
        reference,
    )


def release_to_secretary(contract: Contract) -> None:
    held = ledger.held_cents(contract.id)
    if held != contract.amount_cents:
        raise ledger.UnbalancedMovement(
            f"contract {contract.id} holds {held}, expected full amount"
        )
    payouts.require_payouts(contract.secretary_id)
    transfer = provider().pay_out(contract_ref(contract), contract.payout_cents, purpose="release")
    contract.transfer_id = transfer
    ledger.record(
        contract.id,
        LedgerKind.RELEASE,
        {
            Account.ESCROW: -held,
            Account.SECRETARY: contract.payout_cents,
            Account.PLATFORM: contract.commission_cents,
        },
        transfer,
    )
    invoices.issue_for_release(contract, held, contract.commission_cents)


def refund_business(contract: Contract) -> None:
    held = ledger.held_cents(contract.id)
    if held == 0:
        return
    refund = provider().refund(contract_ref(contract), held, purpose="cancel")
    contract.refund_id = refund
    ledger.record(
        contract.id, LedgerKind.REFUND, {Account.ESCROW: -held, Account.BUSINESS: held}, refund
    )


def split(contract: Contract, release_cents: int, refund_cents: int) -> None:
    """Resolve a dispute: part to the secretary (minus commission on that part), part back.

    With Stripe: one partial Transfer (the payout) and one partial Refund; with
    the commission the platform keeps, they add up to the amount held.
    """
    held = ledger.held_cents(contract.id)
    if release_cents + refund_cents != held:
        raise ledger.UnbalancedMovement("release and refund must add up to the amount held")
    commission = ledger.commission_for(release_cents, contract.commission_basis_points)
    payout = release_cents - commission
    if payout:
        payouts.require_payouts(contract.secretary_id)
    ref = contract_ref(contract)
    transfer = provider().pay_out(ref, payout, purpose="resolution") if payout else None
    refund = provider().refund(ref, refund_cents, purpose="resolution") if refund_cents else None
    contract.transfer_id = transfer
    contract.refund_id = refund
    ledger.record(
        contract.id,
        LedgerKind.RESOLUTION,
        {
            Account.ESCROW: -held,
            Account.SECRETARY: payout,
            Account.PLATFORM: commission,
            Account.BUSINESS: refund_cents,
        },
        " ".join(r for r in (transfer, refund) if r) or None,
    )
    if release_cents:
        invoices.issue_for_release(contract, release_cents, commission)
