"""The dashboards' money (contracts/statements.py) against the ledger read the plain way."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import User
from marketplace.contracts import statements
from marketplace.contracts.models import Contract
from marketplace.extensions import db
from marketplace.payments.models import Account, LedgerEntry, LedgerKind
from tests.budgets import history as histories


def _legs(party: object, account: Account, kinds: tuple[LedgerKind, ...]) -> list[tuple]:
    """Every leg of the party's contracts on that account, newest first (no index trick)."""
    rows = db.session.execute(
        sa.select(LedgerEntry.created_at, LedgerEntry.kind, LedgerEntry.amount_cents, Contract.id)
        .join(Contract, Contract.id == LedgerEntry.contract_id)
        .where(party, LedgerEntry.account == account, LedgerEntry.kind.in_(kinds))
    ).all()
    return sorted((tuple(r) for r in rows), key=lambda r: r[0], reverse=True)


def test_latest_movements_are_the_newest_legs_of_all_the_partys_contracts(app: Flask) -> None:
    history = histories.build(app, 30, secretaries=1)
    with app.app_context():
        business = db.session.get(User, uuid.UUID(history.business["id"]))
        secretary = db.session.get(User, uuid.UUID(history.secretary["id"]))
        assert business is not None and secretary is not None
        cases = [
            (
                statements.business_payments(business).recent,
                _legs(
                    Contract.business_id == business.id,
                    Account.BUSINESS,
                    (
                        LedgerKind.FUNDING,
                        LedgerKind.REFUND,
                        LedgerKind.RESOLUTION,
                        LedgerKind.CREDIT,
                    ),
                ),
            ),
            (
                statements.secretary_earnings(secretary).recent,
                _legs(
                    Contract.secretary_id == secretary.id,
                    Account.SECRETARY,
                    (LedgerKind.RELEASE, LedgerKind.RESOLUTION, LedgerKind.CREDIT),
                ),
            ),
        ]
        assert len(cases[0][1]) > statements.RECENT, "more legs than shown: the choice matters"
        for recent, legs in cases:
            assert len({leg[3] for leg in legs}) > 1, "spread over several contracts"
            shown = [(m.at, m.kind, m.amount_cents, m.contract.id) for m in recent]
            # The same dates as the newest legs (legs written in one transaction share a
            # date, so only the dates are compared in order), and each one a real leg.
            assert [s[0] for s in shown] == [leg[0] for leg in legs[: statements.RECENT]]
            assert set(shown) <= set(legs)
            assert all(m.contract.mission.title for m in recent)
