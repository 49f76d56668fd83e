"""Statements that need the request's session: conditional claims and read-only requests."""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa

from marketplace.extensions import db


def execute_update(statement: sa.Update) -> int:
    """Run a conditional UPDATE in the current transaction; returns how many rows it changed.

    The workflows (`marketplace.workflow`) use this to claim a transition (`... WHERE
    status = :expected`): 0 rows means another request moved the row first.
    """
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return int(cast("sa.CursorResult[Any]", result).rowcount)


def read_only_request() -> None:
    """Declare that the current request only reads: its statements then run in autocommit,
    each one alone, without the BEGIN and ROLLBACK round trips of a transaction (a hot
    read-only API view calls it before its first query). Never call it from a view that
    writes. Does nothing once the session's transaction has begun."""
    session = db.session()
    if not session.in_transaction():
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
