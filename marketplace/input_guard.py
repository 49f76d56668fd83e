"""Input no page or API operation can take, refused before any view sees it.

Every request goes through `check_request` (a before_request hook) first, whatever reads
it afterwards: flask-smorest's webargs parser, `validation.load` on `request.get_json()`,
the pages' forms (`web/forms.py`), or a view that reads `request.args` itself. One place,
so no schema, form or view can forget it:

* a JSON body nested deeper than MAX_JSON_DEPTH is a 400 (Python's parser gives up near a
  thousand levels with a RecursionError, and nothing of ours needs more than a handful);
* a lone UTF-16 surrogate ("\\ud800", only reachable through a JSON escape: form and query
  bytes that are not UTF-8 are already replaced by werkzeug) cannot be encoded as UTF-8;
* a NUL character cannot be stored by PostgreSQL in a text column.

Both are a 422 naming the field, in the API's error format (`errors.json`, `errors.query`,
`errors.form`, `errors.path`, `errors.headers`) or on the error page. Keys are checked like values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from marketplace.http import error_payload, html_error, is_api_request

MAX_JSON_DEPTH = 32

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class InputRefused(Exception):
    """`field` (a dotted path in `location`) holds what no endpoint accepts."""

    def __init__(self, status: int, code: str, location: str, field: str, message: str) -> None:
        super().__init__(f"{location}.{field}: {message}")
        self.status = status
        self.code = code
        self.location = location
        self.field = field
        self.message = message


def _text_problem(text: str) -> str | None:
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return str(_l("Le caractère nul (U+0000) n'est pas accepté."))
    return str(_l("Texte invalide : une moitié de paire de substitution UTF-16 isolée."))


def _refuse_text(location: str, field: str, problem: str) -> InputRefused:
    return InputRefused(422, "invalid_input", location, field, problem)


def _too_deep(field: str) -> InputRefused:
    message = str(_l("Trop de niveaux d'imbrication (%(max)s au plus).", max=MAX_JSON_DEPTH))
    return InputRefused(400, "too_deeply_nested", "json", field, message)


def check_json(value: Any) -> None:
    """Walk a parsed JSON document (without recursion); raise InputRefused at the first
    field too deep or holding a surrogate or a NUL."""
    stack: list[tuple[Any, tuple[str, ...]]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        if len(path) > MAX_JSON_DEPTH:
            raise _too_deep(path[0])
        if isinstance(item, str):
            problem = _text_problem(item)
            if problem:
                raise _refuse_text("json", ".".join(path) or "_schema", problem)
        elif isinstance(item, dict):
            for key, child in item.items():
                problem = _text_problem(key)
                if problem:
                    raise _refuse_text("json", ".".join((*path, key)), problem)
                stack.append((child, (*path, key)))
        elif isinstance(item, list):
            stack.extend((child, (*path, str(i))) for i, child in enumerate(item))


def _deep_field(body: str) -> str:
    """The top-level key under which a body the parser could not descend is nested: the
    last string met at depth 1 before going deeper (a key, in a well-formed object)."""
    depth = 0
    field = "_schema"
    in_object = body.lstrip().startswith("{")
    for token in _JSON_TOKEN.finditer(body):
        text = token.group()
        if text in ("[", "{"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                break
        elif text in ("]", "}"):
            depth -= 1
        elif depth == 1 and in_object:
            field = text[1:-1]
    return field


def _check_pairs(location: str, pairs: Iterable[tuple[str, Any]]) -> None:
    for key, value in pairs:
        for text in (key, value):
            if isinstance(text, str):
                problem = _text_problem(text)
                if problem:
                    raise _refuse_text(location, key, problem)


def check_request() -> None:
    # Headers too: `Idempotency-Key` is stored as sent.
    _check_pairs("headers", request.headers.items())
    _check_pairs("path", (request.view_args or {}).items())
    _check_pairs("query", request.args.items(multi=True))
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        _check_pairs("form", request.form.items(multi=True))
    if request.is_json:
        try:
            # get_json caches the result for the views that call it (webargs parses its own
            # copy). Invalid JSON is None here and left to whoever reads it (their 400).
            body = request.get_json(silent=True)
        except RecursionError:
            raise _too_deep(_deep_field(request.get_data(as_text=True))) from None
        check_json(body)


def handle_input_refused(error: InputRefused) -> ResponseReturnValue:
    if is_api_request():
        name = "Bad Request" if error.status == 400 else "Unprocessable Entity"
        message = str(_l("Données invalides : %(field)s.", field=error.field))
        response = jsonify(
            error_payload(
                error.status,
                name,
                message,
                error.code,
                {error.location: {error.field: [error.message]}},
            )
        )
        response.status_code = error.status
        return response
    return html_error(error.status, f"{error.field} : {error.message}")


def init_app(app: Flask) -> None:
    app.before_request(check_request)
    app.register_error_handler(InputRefused, handle_input_refused)
