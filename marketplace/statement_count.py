"""How many SQL statements a request sent, in an `X-SQL-Statements` response header.

For load tests only (bench/site measures every page's statements through gunicorn, as a
client sees it): on when the config says SQL_STATEMENT_HEADER (the environment variable of
the same name), never by default, since the count tells an outsider how a page is built.
A listener on `before_cursor_execute` (of every engine) adds one to the request's count (kept on
`flask.g`, so each thread of a gthread worker counts its own request); the header is set
after the view, so statements sent after the response is made (teardown) are not counted.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, has_request_context

HEADER = "X-SQL-Statements"
_listening = False


def init_app(app: Flask) -> None:
    global _listening
    if not app.config.get("SQL_STATEMENT_HEADER"):
        return
    if not _listening:  # on the Engine class: every engine (and connection) of the process
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", _count)
        _listening = True

    @app.after_request
    def _header(response: Response) -> Response:
        response.headers[HEADER] = str(g.get("sql_statements", 0))
        return response


def _count(*_args: Any) -> None:
    if has_request_context() and current_app.config.get("SQL_STATEMENT_HEADER"):
        g.sql_statements = g.get("sql_statements", 0) + 1
