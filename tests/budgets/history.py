"""A business with a long history: contracts in every status, their ledger and invoices.

Built fast, but as the services leave it: missions and quotes from the factories, each
contract made by `contracts.services.create_from_bid`, its status moved with its stamp
and `ContractEvent`, the money written by the escrow functions (`record_funding`,
`refund_business`'s legs, the release legs and `invoices.issue_for_release`, the
resolution legs), reviews once a contract is finished, and a conversation per contract
with messages from both parties (which notify, as the real ones do).
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask

from marketplace.accounts.models import User
from marketplace.bids.models import BidStatus
from marketplace.contracts import services as contracts
from marketplace.contracts.models import Contract, ContractEvent, ContractStatus
from marketplace.conversations import services as conversations
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.missions.models import MissionStatus
from marketplace.payments import escrow, invoices, ledger
from marketplace.payments.models import Account, LedgerKind
from marketplace.reviews.models import Review
from tests.factories import BidFactory, MissionFactory, Rows, SecretaryProfileFactory

S = ContractStatus
# Every status, in the order contracts are spread over them.
STATUSES = list(S)


@dataclass
class History:
    business: dict[str, Any]
    secretaries: list[dict[str, Any]]
    contract_ids: list[str] = field(default_factory=list)
    mission_ids: list[str] = field(default_factory=list)
    open_mission_id: str = ""

    @property
    def secretary(self) -> dict[str, Any]:
        return self.secretaries[0]


def build(app: Flask, contracts_count: int, secretaries: int = 2) -> History:
    """A business, `secretaries` secretaries sharing its contracts, and an open mission with
    a quote from each of them."""
    rows = Rows(app)
    history = History(rows.business(), [rows.secretary() for _ in range(secretaries)])
    with app.app_context():
        business = db.session.get(User, uuid.UUID(history.business["id"]))
        mission = MissionFactory(business=business, title="Accueil téléphonique en janvier")
        for each in history.secretaries:
            BidFactory(mission=mission, secretary=db.session.get(User, uuid.UUID(each["id"])))
        history.open_mission_id = str(mission.id)
    return grow(app, history, contracts_count)


def grow(app: Flask, history: History, contracts_count: int) -> History:
    """`contracts_count` more contracts, spread over every status and two years."""
    with app.app_context():
        business = db.session.get(User, uuid.UUID(history.business["id"]))
        people = [db.session.get(User, uuid.UUID(s["id"])) for s in history.secretaries]
        assert business is not None
        start = utcnow() - timedelta(days=730)
        cycle = itertools.cycle(STATUSES)
        for _ in range(contracts_count):
            n = len(history.contract_ids)
            # Half with the first secretary (her dashboard grows too), half each with a
            # secretary of its own (a lazy load per secretary shows as the list grows).
            secretary = people[0] if n % 2 else SecretaryProfileFactory().user
            assert secretary is not None
            at = start + timedelta(hours=n * 7)
            contract = _contract(business, secretary, next(cycle), at)
            history.contract_ids.append(str(contract.id))
            history.mission_ids.append(str(contract.mission_id))
    return history


def _contract(business: User, secretary: User, status: S, at: Any) -> Contract:
    mission = MissionFactory(
        business=business, status=MissionStatus.HIRED, title=f"Mission {at:%d/%m/%Y}"
    )
    bid = BidFactory(mission=mission, secretary=secretary, status=BidStatus.ACCEPTED)
    contract = contracts.create_from_bid(bid, actor=business)
    contract.created_at = at
    if status is not S.AWAITING_FUNDING:
        _move(contract, S.FUNDED, business, at + timedelta(days=1))
        escrow.record_funding(contracts.ref(contract), f"ch_{contract.id.hex[:12]}")
    if status is S.CANCELLED:  # cancelled once paid: refunded (`escrow.refund_business`)
        _move(contract, S.CANCELLED, business, at + timedelta(days=2))
        held = ledger.held_cents(contract.id)
        ledger.record(
            contract.id, LedgerKind.REFUND, {Account.ESCROW: -held, Account.BUSINESS: held}
        )
    if status in (S.DELIVERED, S.RELEASED, S.DISPUTED, S.RESOLVED):
        _move(contract, S.DELIVERED, secretary, at + timedelta(days=5))
    if status is S.RELEASED:
        _move(contract, S.RELEASED, business, at + timedelta(days=6))
        contract.approved_at = contract.released_at
        _release(contract)
    if status in (S.DISPUTED, S.RESOLVED):
        _move(contract, S.DISPUTED, business, at + timedelta(days=6))
        contract.disputed_by_id = business.id
        contract.dispute_reason = "Le travail livré ne correspond pas."
    if status is S.RESOLVED:
        _move(contract, S.RESOLVED, None, at + timedelta(days=8))
        _resolve(contract)
    if status in (S.RELEASED, S.RESOLVED):
        contract.review_deadline = utcnow() + timedelta(days=14)
        # Half of them already reviewed by the business (the other half: "laisser un avis").
        if contract.id.int % 2:
            db.session.add(
                Review(
                    contract_id=contract.id,
                    author_id=business.id,
                    subject_id=secretary.id,
                    rating=5,
                    comment="Travail soigné, dans les délais.",
                    published_at=utcnow(),
                    publish_after=contract.review_deadline,
                )
            )
    db.session.commit()
    conversation, _created = conversations.open_conversation(business, mission.id, secretary.id)
    conversations.post_message(conversation, business, "Bonjour, pouvez-vous commencer lundi ?")
    conversations.post_message(conversation, secretary, "Oui, c'est noté.")
    return contract


def _move(contract: Contract, to: S, actor: User | None, at: Any) -> None:
    before = contract.status
    contract.status = to
    stamp = {
        S.FUNDED: "funded_at",
        S.DELIVERED: "delivered_at",
        S.RELEASED: "released_at",
        S.CANCELLED: "cancelled_at",
        S.DISPUTED: "disputed_at",
        S.RESOLVED: "resolved_at",
    }[to]
    setattr(contract, stamp, at)
    db.session.add(
        ContractEvent(
            contract_id=contract.id,
            actor_id=actor.id if actor else None,
            action=to.value,
            from_status=before.value,
            to_status=to.value,
            at=at,
        )
    )
    db.session.flush()


def _release(contract: Contract) -> None:
    """`escrow.release_to_secretary` without the provider call: the same legs and invoices."""
    held = ledger.held_cents(contract.id)
    ledger.record(
        contract.id,
        LedgerKind.RELEASE,
        {
            Account.ESCROW: -held,
            Account.SECRETARY: contract.payout_cents,
            Account.PLATFORM: contract.commission_cents,
        },
        f"tr_{contract.id.hex[:12]}",
    )
    invoices.issue_for_release(contracts.invoice_facts(contract), held, contract.commission_cents)


def _resolve(contract: Contract) -> None:
    """`escrow.split`, half and half, without the provider calls."""
    held = ledger.held_cents(contract.id)
    release = held // 2
    refund = held - release
    commission = ledger.commission_for(release, contract.commission_basis_points)
    ledger.record(
        contract.id,
        LedgerKind.RESOLUTION,
        {
            Account.ESCROW: -held,
            Account.SECRETARY: release - commission,
            Account.PLATFORM: commission,
            Account.BUSINESS: refund,
        },
    )
    contract.resolution_release_cents = release
    contract.resolution_refund_cents = refund
    contract.resolution_note = "Moitié livrée."
    invoices.issue_for_release(contracts.invoice_facts(contract), release, commission)
