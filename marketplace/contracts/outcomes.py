"""What payments report about a contract's money, applied to the contract workflow.

The payments domain never imports contracts: it reports what Stripe tells it
(a payment succeeded or failed, a bank opened a chargeback) through the
`EscrowOutcomes` protocol (`payments/interfaces.py`). This is the contracts
domain's implementation, registered at start-up as `app.extensions["escrow_outcomes"]`.
Every method works in the caller's transaction; the webhook handler commits.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from marketplace.contracts import services
from marketplace.contracts.models import Contract, ContractStatus
from marketplace.extensions import db
from marketplace.payments.interfaces import EscrowState


class ContractOutcomes:
    def find(
        self,
        *,
        contract_id: uuid.UUID | None = None,
        payment_intent: str | None = None,
        charge: str | None = None,
        transfer: str | None = None,
    ) -> uuid.UUID | None:
        if contract_id is not None:
            return db.session.scalar(sa.select(Contract.id).where(Contract.id == contract_id))
        for column, value in (
            (Contract.payment_intent_id, payment_intent),
            (Contract.charge_id, charge),
            (Contract.transfer_id, transfer),
        ):
            if value:
                return db.session.scalar(sa.select(Contract.id).where(column == value).limit(1))
        return None

    def _contract(self, contract_id: uuid.UUID) -> Contract:
        contract = db.session.get(
            Contract, contract_id, with_for_update=True, populate_existing=True
        )
        assert contract is not None, contract_id
        return contract

    def lock(self, contract_id: uuid.UUID) -> EscrowState | None:
        contract = db.session.get(
            Contract, contract_id, with_for_update=True, populate_existing=True
        )
        if contract is None:
            return None
        return EscrowState(
            ref=services.ref(contract),
            awaiting_payment=contract.status is ContractStatus.AWAITING_FUNDING,
        )

    def funded(self, contract_id: uuid.UUID, payment: str, charge: str | None) -> bool:
        contract = self._contract(contract_id)
        return services.confirm_funding(contract, payment, charge_id=charge)

    def charge_known(self, contract_id: uuid.UUID, charge: str) -> None:
        contract = self._contract(contract_id)
        if contract.charge_id is None:
            contract.charge_id = charge

    def payment_failed(self, contract_id: uuid.UUID, message: str) -> None:
        contract = self._contract(contract_id)
        if contract.status is ContractStatus.AWAITING_FUNDING:
            contract.payment_error = message

    def bank_dispute(self, contract_id: uuid.UUID, note: str) -> bool:
        return services.open_bank_dispute(self._contract(contract_id), note)

    def note(self, contract_id: uuid.UUID, action: str, note: str) -> None:
        services.add_note(self._contract(contract_id), action, note)
