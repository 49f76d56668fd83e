"""Count the SQL statements one request sends (`count_statements`).

A listener on the engine's `before_cursor_execute` counts every statement while the
`with` block runs. The test's own set-up happens outside the block, so only what the
request sends is counted; a flush of the test's data before it is done by the caller.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.extensions import db

# The savepoints of the test's isolation (tests/conftest.py): a request's commit or rollback
# is one of them here, and none in production, where the driver's commit sends no statement.
HARNESS = ("SAVEPOINT ", "RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT ")


class Statements:
    def __init__(self) -> None:
        self.sql: list[str] = []

    @property
    def count(self) -> int:
        return len(self.sql)

    def __str__(self) -> str:
        return "\n".join(f"{n:3d}. {s[:160]}" for n, s in enumerate(self.sql, 1))


@contextmanager
def count_statements(app: Flask) -> Iterator[Statements]:
    """The statements sent while the block runs (every connection of the app's engine)."""
    with app.app_context():
        engine = db.engine
    seen = Statements()

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.startswith(HARNESS):
            seen.sql.append(" ".join(statement.split()))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
