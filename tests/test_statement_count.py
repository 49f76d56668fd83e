"""The X-SQL-Statements header (marketplace/statement_count.py): off by default, and when
SQL_STATEMENT_HEADER is on, the number of statements the request sent."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.extensions import db
from tests.conftest import make_app


def test_the_header_is_not_sent_by_default(client):
    response = client.get("/api/v1/taxonomy")
    assert response.status_code == 200
    assert "X-SQL-Statements" not in response.headers


def test_the_header_counts_the_statements_a_request_sent(
    app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory
):
    counting = make_app(database_url, tmp_path_factory, SQL_STATEMENT_HEADER="true")
    client = counting.test_client()
    from tests.factories import Rows

    business = Rows(counting).business()
    headers = {"Authorization": f"Bearer {business['token']}"}
    client.get("/api/v1/contracts", headers=headers)
    with counting.app_context():
        engine = db.engine
    seen: list[str] = []  # every statement, the test harness's savepoints too, as the app counts

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get("/api/v1/contracts", headers=headers)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200
    # The harness's savepoint is given back when the session is removed, after the answer
    # is made (in production the driver's rollback there sends no statement).
    sent = [s for s in seen if not s.startswith(("ROLLBACK TO SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(sent) > 2
    assert response.headers["X-SQL-Statements"] == str(len(sent)), sent
    assert client.get("/api/v1/taxonomy").headers["X-SQL-Statements"] == "0"
