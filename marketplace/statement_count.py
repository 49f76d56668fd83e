"""How many SQL statements a request sent, in an `X-SQL-Statements` response header.

For load tests only (bench/site measures every page's statements through gunicorn, as a
client sees it): on when the config says SQL_STATEMENT_HEADER (the environment variable of
the same name), never by default, since the count tells an outsider how a page is built.
A listener on the engine's `before_cursor_execute` adds one to the request's count (kept on
`flask.g`, so each thread of a gthread worker counts its own request); the header is set
after the view, so statements sent after the response is made (teardown) are not counted.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, g, has_request_context

from marketplace.extensions import db

HEADER = "X-SQL-Statements"


def init_app(app: Flask) -> None:
    if not app.config.get("SQL_STATEMENT_HEADER"):
        return
    with app.app_context():
        engine = db.engine

    def count(*_args: Any) -> None:
        if has_request_context():
            g.sql_statements = g.get("sql_statements", 0) + 1

    sa.event.listen(engine, "before_cursor_execute", count)

    @app.after_request
    def _header(response: Response) -> Response:
        response.headers[HEADER] = str(g.get("sql_statements", 0))
        return response
