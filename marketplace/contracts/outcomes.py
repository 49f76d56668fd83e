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

from marketplace.contracts import milestones, periods, services
from marketplace.contracts.models import (
    Contract,
    ContractMilestone,
    ContractPeriod,
    ContractStatus,
    MilestoneStatus,
    PeriodStatus,
)
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
        # A fixed contract's own references, then those of its parts (periods, milestones).
        for owner, column, value in (
            (Contract.id, Contract.payment_intent_id, payment_intent),
            (Contract.id, Contract.charge_id, charge),
            (Contract.id, Contract.transfer_id, transfer),
            (ContractPeriod.contract_id, ContractPeriod.payment_intent_id, payment_intent),
            (ContractPeriod.contract_id, ContractPeriod.charge_id, charge),
            (ContractPeriod.contract_id, ContractPeriod.transfer_id, transfer),
            (ContractMilestone.contract_id, ContractMilestone.payment_intent_id, payment_intent),
            (ContractMilestone.contract_id, ContractMilestone.charge_id, charge),
            (ContractMilestone.contract_id, ContractMilestone.transfer_id, transfer),
        ):
            if value:
                found = db.session.scalar(sa.select(owner).where(column == value).limit(1))
                if found is not None:
                    return found
        return None

    def _period(
        self, contract: Contract, part_id: uuid.UUID | None, payment_intent: str | None
    ) -> ContractPeriod | None:
        """The period a payment is about: named in its metadata, or found by its intent."""
        if not contract.is_regular:
            return None
        if part_id is not None:
            period = db.session.get(ContractPeriod, part_id, populate_existing=True)
            if period is not None and period.contract_id == contract.id:
                return period
        if payment_intent:
            return db.session.scalar(
                sa.select(ContractPeriod)
                .where(
                    ContractPeriod.contract_id == contract.id,
                    ContractPeriod.payment_intent_id == payment_intent,
                )
                .execution_options(populate_existing=True)
            )
        return None

    def _milestone(
        self, contract: Contract, part_id: uuid.UUID | None, payment_intent: str | None
    ) -> ContractMilestone | None:
        """The milestone a payment is about: named in its metadata, or found by its intent."""
        if not contract.by_milestones:
            return None
        if part_id is not None:
            milestone = db.session.get(ContractMilestone, part_id, populate_existing=True)
            if milestone is not None and milestone.contract_id == contract.id:
                return milestone
        if payment_intent:
            return db.session.scalar(
                sa.select(ContractMilestone)
                .where(
                    ContractMilestone.contract_id == contract.id,
                    ContractMilestone.payment_intent_id == payment_intent,
                )
                .execution_options(populate_existing=True)
            )
        return None

    def _contract(self, contract_id: uuid.UUID) -> Contract:
        contract = db.session.get(
            Contract, contract_id, with_for_update=True, populate_existing=True
        )
        assert contract is not None, contract_id
        return contract

    def lock(
        self,
        contract_id: uuid.UUID,
        *,
        part_id: uuid.UUID | None = None,
        payment_intent: str | None = None,
    ) -> EscrowState | None:
        contract = db.session.get(
            Contract, contract_id, with_for_update=True, populate_existing=True
        )
        if contract is None:
            return None
        period = self._period(contract, part_id, payment_intent)
        if period is not None:
            return EscrowState(
                ref=periods.part_ref(contract, period, period.cap_cents),
                awaiting_payment=period.status is PeriodStatus.AWAITING_FUNDING,
            )
        milestone = self._milestone(contract, part_id, payment_intent)
        if milestone is not None:
            return EscrowState(
                ref=milestones.part_ref(contract, milestone),
                awaiting_payment=milestone.status is MilestoneStatus.AWAITING_FUNDING
                and contract.status in (ContractStatus.AWAITING_FUNDING, ContractStatus.FUNDED),
            )
        return EscrowState(
            ref=services.ref(contract),
            awaiting_payment=contract.status is ContractStatus.AWAITING_FUNDING,
        )

    def funded(
        self,
        contract_id: uuid.UUID,
        payment: str,
        charge: str | None,
        *,
        part_id: uuid.UUID | None = None,
        payment_method: str | None = None,
    ) -> bool:
        contract = self._contract(contract_id)
        period = self._period(contract, part_id, payment)
        if period is not None:
            return periods.confirm_funding(
                contract, period, payment, charge_id=charge, method=payment_method
            )
        milestone = self._milestone(contract, part_id, payment)
        if milestone is not None:
            return milestones.confirm_funding(contract, milestone, payment, charge_id=charge)
        return services.confirm_funding(contract, payment, charge_id=charge)

    def charge_known(
        self, contract_id: uuid.UUID, charge: str, *, part_id: uuid.UUID | None = None
    ) -> None:
        contract = self._contract(contract_id)
        period = self._period(contract, part_id, None)
        if period is not None:
            if period.charge_id is None:
                period.charge_id = charge
            return
        milestone = self._milestone(contract, part_id, None)
        if milestone is not None:
            if milestone.charge_id is None:
                milestone.charge_id = charge
            return
        if contract.charge_id is None:
            contract.charge_id = charge

    def payment_failed(
        self, contract_id: uuid.UUID, message: str, *, part_id: uuid.UUID | None = None
    ) -> None:
        contract = self._contract(contract_id)
        period = self._period(contract, part_id, None)
        if period is not None:
            periods.payment_failed(contract, period, message)
            return
        milestone = self._milestone(contract, part_id, None)
        if milestone is not None:
            milestones.payment_failed(contract, milestone, message)
            return
        if contract.status is ContractStatus.AWAITING_FUNDING:
            contract.payment_error = message

    def bank_dispute(self, contract_id: uuid.UUID, note: str) -> bool:
        return services.open_bank_dispute(self._contract(contract_id), note)

    def note(self, contract_id: uuid.UUID, action: str, note: str) -> None:
        services.add_note(self._contract(contract_id), action, note)
