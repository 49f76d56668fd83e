"""One error format for the API, error pages for the web, and the smorest Api and Blueprint."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from copy import deepcopy
from functools import wraps
from http import HTTPStatus
from typing import Any

import sqlalchemy as sa
from flask import (
    Flask,
    current_app,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.pagination import Page
from flask_smorest.utils import unpack_tuple_response
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from marketplace.errors import DomainError, FieldErrors, Unauthorized
from marketplace.pagination import DEFAULT_PER_PAGE, page_body, page_params_schema
from marketplace.validation import flatten_messages


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def error_payload(
    status: int, name: str, message: str, code: str, errors: dict[str, Any] | None = None
) -> dict[str, Any]:
    payload: dict[str, Any] = {"code": status, "status": name, "error": code, "message": message}
    if errors:
        payload["errors"] = errors
    return payload


class ErrorSchema(Schema):
    """Every API error, as `error_payload` and `Api.handle_http_exception` write it.

    Documented in the OpenAPI as `Error` (the default response of every operation).
    """

    code = fields.Integer(required=True, metadata={"description": "The HTTP status code"})
    status = fields.String(
        required=True, metadata={"description": "The HTTP status name, e.g. `Conflict`"}
    )
    error = fields.String(
        required=True,
        metadata={
            "description": "What went wrong, for programs: `not_found`, `invalid_input`, "
            "`invalid_transition`, `unprocessable_entity`, ..."
        },
    )
    message = fields.String(
        required=True, metadata={"description": "What went wrong, for people (French or English)"}
    )
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.List(fields.String())),
        metadata={
            "description": "Invalid input only: where (`json`, `query`) → field path "
            "(`availability.weekdays.0`) → messages"
        },
    )


class Api(SmorestApi):
    ERROR_SCHEMA = ErrorSchema

    def _register_pagination_header(self) -> None:
        """No X-Pagination header: lists carry their figures in the body (Blueprint)."""

    def handle_http_exception(self, error: HTTPException) -> ResponseReturnValue:
        if not is_api_request():
            return html_error(error.code or 500, error.description or error.name)
        payload, status, headers = super().handle_http_exception(error)
        payload.setdefault("error", error.name.lower().replace(" ", "_"))
        if "errors" in payload:
            # One shape for every validation error: {"json": {"skills.0": [...]}}, the
            # 400 of a body that is not JSON too (webargs says {"json": ["Invalid JSON body."]}).
            payload["errors"] = {
                location: flatten_messages(messages)
                for location, messages in payload["errors"].items()
            }
            fields = sorted({f for loc in payload["errors"].values() for f in loc})
            payload.setdefault("message", "Données invalides : " + ", ".join(fields) + ".")
        payload.setdefault("message", error.description or error.name)
        return payload, status, headers


class Blueprint(SmorestBlueprint):
    """flask-smorest's Blueprint, with lists paginated the way API.md fixes them.

    `paginate` is flask-smorest's decorator (the same two modes, the same `Page` pagers),
    except that it reads `page` and `per_page` (not `page_size`) and answers
    `{total, page, per_page, results}` in the body rather than a bare list with an
    `X-Pagination` header. Put `@blp.response(200, SomePage)` above it, where `SomePage`
    is a `PageOut` subclass declaring `results` (marketplace/pagination.py).

    - `@blp.paginate(SelectPage)`: the view returns a select; the page is cut from it.
    - `@blp.paginate()`: the view receives `pagination_parameters`, sets its `item_count`
      (`SelectPage(query, pagination_parameters).items` does) and returns the page's
      items, or a mapping with `results` and the list's own extra fields (which the page
      schema declares), or a `Response` it wrote itself with `page_body` (the search hot
      path, serialised with orjson).
    """

    def paginate(
        self, pager: type[Page] | None = None, *, per_page: int = DEFAULT_PER_PAGE
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        params_schema = page_params_schema(per_page)
        error_status = self.PAGINATION_ARGUMENTS_PARSER.DEFAULT_VALIDATION_STATUS

        def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
            @wraps(func)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                params = self.PAGINATION_ARGUMENTS_PARSER.parse(
                    params_schema, request, location="query"
                )
                if pager is None:
                    kwargs["pagination_parameters"] = params
                result, status, headers = unpack_tuple_response(
                    current_app.ensure_sync(func)(*args, **kwargs)
                )
                if isinstance(result, Response):
                    return result, status, headers
                if pager is not None:
                    result = pager(result, page_params=params).items
                if params.item_count is None:
                    raise RuntimeError(f"{request.endpoint}: item_count not set")
                if isinstance(result, Mapping):
                    extra = dict(result)
                    body = page_body(params, extra.pop("results"), **extra)
                else:
                    body = page_body(params, result)
                return body, status, headers

            wrapper._apidoc = deepcopy(getattr(wrapper, "_apidoc", {}))  # type: ignore[attr-defined]
            wrapper._apidoc["pagination"] = {  # type: ignore[attr-defined]
                "parameters": {"in": "query", "schema": params_schema},
                "response": {error_status: HTTPStatus(error_status).name},
            }
            return wrapper

        return decorator

    def _document_pagination_metadata(self, spec: Any, resp_doc: Any) -> None:
        """No header to document: the page schema documents the figures in the body."""


def html_error(status: int, message: str) -> ResponseReturnValue:
    return render_template("errors/error.html", status=status, message=message), status


def handle_domain_error(error: DomainError) -> ResponseReturnValue:
    errors = {error.location: error.errors} if isinstance(error, FieldErrors) else None
    if is_api_request():
        name = {
            401: "Unauthorized",
            403: "Forbidden",
            404: "Not Found",
            409: "Conflict",
            422: "Unprocessable Entity",
        }.get(error.status_code, "Bad Request")
        response = jsonify(
            error_payload(error.status_code, name, error.message, error.code, errors)
        )
        response.status_code = error.status_code
        if error.status_code == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return response
    if isinstance(error, Unauthorized):
        flash(error.message if request.endpoint != "web.login" else "", "warning")
        return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
    return html_error(error.status_code, error.message)


DATABASE_RETRY_AFTER_SECONDS = 30


def handle_database_unavailable(error: sa.exc.DBAPIError | sa.exc.TimeoutError) -> Response:
    """The database cannot be reached (refused, dropped, no connection left in the pool):
    a 503 with Retry-After, for pages and the API alike, never a 500. Nothing was done
    (the transaction did not commit), so the same request can be sent again."""
    from flask_login import AnonymousUserMixin

    # The driver's own message only: SQLAlchemy's text adds the statement and its
    # parameters (e-mails, token hashes).
    cause = getattr(error, "orig", None) or error
    current_app.logger.error(
        "database unavailable on %s %s: %s", request.method, request.path, cause
    )
    message = str(_l("Le service est momentanément indisponible. Réessayez dans un instant."))
    if is_api_request():
        response = jsonify(
            error_payload(503, "Service Unavailable", message, "database_unavailable")
        )
        response.status_code = 503
    else:
        # The page is drawn for a visitor who is not signed in: loading the user would ask
        # the database again.
        g._login_user = AnonymousUserMixin()
        response = make_response(html_error(503, message))
    response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    # OperationalError: refused, dropped or timed-out connections (and deadlocks, which a
    # retry also solves); InterfaceError: the driver's connection is unusable; TimeoutError:
    # the pool had no connection to give within its timeout.
    for error in (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError):
        app.register_error_handler(error, handle_database_unavailable)


# ----------------------------------------------------------------------------- security headers
#
# A small after_request rather than flask-talisman: its last release (1.1.0) is from 2023
# and it does far more than we need (nonces, feature policies, forced HTTPS redirects that
# belong to the proxy). What we send is a handful of constant headers, tested one by one in
# tests/web/test_security_headers.py.
#
# The policy forbids inline code: no template carries a <script> body, an on* handler, a
# style="" attribute or a <style> block (the Swagger UI page starts from
# static/js/swagger-ui-init.js). `img-src data:` because Pico's and Swagger UI's
# stylesheets draw their icons as data: SVGs. No `form-action`: Chromium applies it to the
# redirects that follow a form post, and paying or onboarding redirects to Stripe's hosted
# pages. Referrer-Policy `same-origin`: our paths carry mission and contract ids, and no
# other site needs to know where a visitor came from.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Sent only when PUBLIC_URL is https (the site is then only ever reached over TLS); no
# includeSubDomains: other hosts of the same domain are not ours to decide for.
STRICT_TRANSPORT_SECURITY = "max-age=31536000"


def security_headers(*, https: bool) -> dict[str, str]:
    """The headers every answer carries (static files too: marketplace/static_assets.py)."""
    headers = dict(SECURITY_HEADERS)
    if https:
        headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
    return headers


def register_security_headers(app: Flask, *, https: bool) -> None:
    headers = security_headers(https=https)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        # after_request runs for every answer Flask writes: pages, API, static files, error
        # handlers' answers (an unhandled exception's 500 is finalized the same way).
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response
