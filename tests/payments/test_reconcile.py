"""Reconciliation against Stripe (the real stripe-mock) and the ledger's own consistency.

stripe-mock answers every retrieve with its fixture (a charge of 100 cents, succeeded, nothing
refunded; a transfer of 1,100 cents; a refund of 100 cents, succeeded; a PaymentIntent of 1,099
cents that received nothing, `requires_payment_method`). A contract whose ledger says what those
records say is consistent; the tests make the others disagree by what they write in the ledger
or the ids they store, as a bug or a hand edit would.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import Flask

from marketplace.contracts.models import Contract, ContractStatus
from marketplace.extensions import db
from marketplace.operations import reconcile
from marketplace.operations.models import ReconciliationRun
from marketplace.payments import ledger
from marketplace.payments.models import Account, LedgerEntry, LedgerKind
from tests import factories as f
from tests.payments.helpers import funded_deal

CHARGE_CENTS, TRANSFER_CENTS, REFUND_CENTS = 100, 1_100, 100


def _contract(sapi, *, charge: str | None = "ch_fixture", intent: str = "pi_fixture") -> uuid.UUID:
    """A hired contract (paid through Stripe) whose escrow received CHARGE_CENTS."""
    deal = f.Deal(sapi).hire()  # requests outside the test's app context (its `g` is theirs)
    contract_id = uuid.UUID(deal.contract_id)
    with sapi.client.application.app_context():
        contract = db.session.get(Contract, contract_id)
        assert contract is not None and contract.payment_provider == "stripe"
        contract.payment_intent_id = f"{intent}_{contract_id.hex[:8]}"
        contract.charge_id = charge and f"{charge}_{contract_id.hex[:8]}"
        contract.status = ContractStatus.FUNDED
        ledger.record(
            contract_id,
            LedgerKind.FUNDING,
            {Account.BUSINESS: -CHARGE_CENTS, Account.ESCROW: CHARGE_CENTS},
            contract.payment_intent_id,
        )
        db.session.commit()
    return contract_id


def _codes(contract_id: uuid.UUID) -> dict[str, reconcile.Finding]:
    outcome = reconcile.check([contract_id])
    assert outcome.provider_error is None
    found = {f.code: f for f in outcome.findings}
    assert len(found) == len(outcome.findings), outcome.findings
    return found


def test_a_contract_that_agrees_with_stripe_reports_nothing(sapi, stripe_app: Flask) -> None:
    consistent = _contract(sapi)
    with stripe_app.app_context():
        outcome = reconcile.check([consistent])
    assert outcome.findings == []
    assert outcome.provider_objects_checked == 1  # its charge was asked for


def test_an_amount_altered_in_the_ledger_disagrees_with_the_charge(sapi, stripe_app: Flask) -> None:
    contract_id = _contract(sapi)
    with stripe_app.app_context():
        # Legs written by hand into the same escrow: 250 € more received than Stripe charged.
        transaction = uuid.uuid4()
        db.session.add_all(
            [
                LedgerEntry(
                    contract_id=contract_id,
                    transaction_id=transaction,
                    kind=LedgerKind.RESOLUTION,
                    account=account,
                    amount_cents=cents,
                )
                for account, cents in ((Account.BUSINESS, -25_000), (Account.ESCROW, 25_000))
            ]
        )
        db.session.commit()
        found = _codes(contract_id)
    assert set(found) == {"charge_amount"}
    assert found["charge_amount"].ledger_cents == CHARGE_CENTS + 25_000
    assert found["charge_amount"].provider_cents == CHARGE_CENTS


def test_stored_ids_that_do_not_match_are_reported(sapi, stripe_app: Flask) -> None:
    other_intent = _contract(sapi)
    no_charge = _contract(sapi, charge=None)
    with stripe_app.app_context():
        contract = db.session.get(Contract, other_intent)
        assert contract is not None
        contract.payment_intent_id = "pi_someone_elses"
        db.session.commit()
        assert set(_codes(other_intent)) == {"funding_reference"}

        # Without its charge id the PaymentIntent is asked: Stripe says it received nothing.
        found = _codes(no_charge)
    assert set(found) == {"payment_intent_status", "payment_intent_amount"}
    assert found["payment_intent_status"].detail == "requires_payment_method"
    assert found["payment_intent_amount"].ledger_cents == CHARGE_CENTS
    assert found["payment_intent_amount"].provider_cents == 0


def _move(contract_id: uuid.UUID, kind: LedgerKind, legs: dict[Account, int], ref: str | None):
    ledger.record(contract_id, kind, legs, ref)
    db.session.commit()


def test_transfers_and_refunds_are_compared_with_the_ledger(sapi, stripe_app: Flask) -> None:
    paid, unrecorded, refunded = _contract(sapi), _contract(sapi), _contract(sapi)
    release = {Account.ESCROW: -CHARGE_CENTS, Account.SECRETARY: 88, Account.PLATFORM: 12}
    with stripe_app.app_context():
        _move(paid, LedgerKind.RELEASE, release, "tr_fixture_release")
        found = _codes(paid)
        assert set(found) == {"transfer_amount"}
        assert (found["transfer_amount"].ledger_cents, found["transfer_amount"].provider_cents) == (
            88,
            TRANSFER_CENTS,
        )

        _move(unrecorded, LedgerKind.RELEASE, release, None)  # the transfer id was lost
        assert set(_codes(unrecorded)) == {"transfer_missing"}

        _move(
            refunded,
            LedgerKind.REFUND,
            {Account.ESCROW: -CHARGE_CENTS, Account.BUSINESS: CHARGE_CENTS},
            "re_fixture_refund",
        )
        # The refund itself agrees (100 cents, succeeded); Stripe's charge was never refunded.
        found = _codes(refunded)
    assert set(found) == {"charge_refunded"}
    assert (found["charge_refunded"].ledger_cents, found["charge_refunded"].provider_cents) == (
        REFUND_CENTS,
        0,
    )


def test_a_contract_paid_through_the_real_flow_is_compared_with_stripe_mock(
    sapi, stripe_app: Flask
) -> None:
    deal = funded_deal(sapi)
    assert deal.act("deliver", "secretary")[0] == 200
    assert deal.act("approve", "business")[0] == 200
    with stripe_app.app_context():
        found = _codes(uuid.UUID(deal.contract_id))
    # 1,100 € paid and released here; stripe-mock's charge is 1 € and its transfer 11 €.
    assert found["charge_amount"].ledger_cents == 110_000
    assert found["charge_amount"].provider_cents == CHARGE_CENTS
    assert found["transfer_amount"].provider_cents == TRANSFER_CENTS
    assert set(found) == {"charge_amount", "transfer_amount"}


def test_the_ledger_checks_itself_transactions_balance_and_escrow_never_negative(
    sapi, stripe_app: Flask
) -> None:
    healthy, lopsided, early, closed = (_contract(sapi) for _ in range(4))
    ctx = stripe_app.app_context()
    ctx.push()
    db.session.add(
        LedgerEntry(
            contract_id=lopsided,
            transaction_id=uuid.uuid4(),
            kind=LedgerKind.RESOLUTION,
            account=Account.SECRETARY,
            amount_cents=500,
        )
    )
    # Money out of escrow dated before the money came in.
    first = db.session.scalar(
        sa.select(sa.func.min(LedgerEntry.created_at)).where(LedgerEntry.contract_id == early)
    )
    refund = uuid.uuid4()
    for account, cents in ((Account.ESCROW, -CHARGE_CENTS), (Account.BUSINESS, CHARGE_CENTS)):
        db.session.add(
            LedgerEntry(
                contract_id=early,
                transaction_id=refund,
                kind=LedgerKind.REFUND,
                account=account,
                amount_cents=cents,
                provider_reference="re_fixture_early",
                created_at=first - timedelta(days=1),
            )
        )
    db.session.execute(
        sa.update(Contract).where(Contract.id == closed).values(status=ContractStatus.RELEASED)
    )
    db.session.commit()

    findings = reconcile.ledger_findings()
    ctx.pop()
    codes = {(f.contract_id, f.code) for f in findings}
    assert (lopsided, "unbalanced") in codes
    assert (early, "escrow_negative") in codes
    assert (closed, "held_after_close") in codes
    assert not [f for f in findings if f.contract_id == healthy]
    lowest = next(f for f in findings if f.code == "escrow_negative")
    assert lowest.ledger_cents == -CHARGE_CENTS


def test_the_command_lists_what_disagrees_keeps_it_and_exits_1(sapi, stripe_app: Flask) -> None:
    consistent, wrong = _contract(sapi), _contract(sapi, intent="pi_x")
    with stripe_app.app_context():
        contract = db.session.get(Contract, wrong)
        assert contract is not None
        contract.payment_intent_id = "pi_replaced_by_hand"
        db.session.commit()
    result = stripe_app.test_cli_runner().invoke(args=["payments", "reconcile"])
    assert result.exit_code == 1, result.output
    assert "1 disagreement(s)" in result.output
    assert f"contract {wrong}" in result.output and "funding_reference" in result.output
    assert str(consistent) not in result.output
    with stripe_app.app_context():
        run = reconcile.latest_run()
        assert run is not None and run.findings_count == 1
        assert [f.contract_id for f in run.findings] == [wrong]
        # A second run while one runs is refused; a run older than an hour no longer blocks.
        db.session.add(ReconciliationRun(started_at=datetime.now(UTC)))
        db.session.commit()
    again = stripe_app.test_cli_runner().invoke(args=["payments", "reconcile"])
    assert again.exit_code != 0 and "déjà en cours" in again.output
    with stripe_app.app_context():
        db.session.execute(
            sa.update(ReconciliationRun)
            .where(ReconciliationRun.finished_at.is_(None))
            .values(started_at=datetime.now(UTC) - timedelta(hours=2))
        )
        db.session.commit()
    assert stripe_app.test_cli_runner().invoke(args=["payments", "reconcile"]).exit_code == 1
