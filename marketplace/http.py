"""One error format for the API, error pages for the web, and the smorest Api."""

from __future__ import annotations

from typing import Any

from flask import (
    Flask,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_smorest import Api as SmorestApi
from werkzeug.exceptions import HTTPException

from marketplace.errors import DomainError, FieldErrors, Unauthorized
from marketplace.payments.interfaces import PaymentError
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


class Api(SmorestApi):
    def handle_http_exception(self, error: HTTPException) -> ResponseReturnValue:
        if not is_api_request():
            return _html_error(error.code or 500, error.description or error.name)
        payload, status, headers = super().handle_http_exception(error)
        payload.setdefault("error", error.name.lower().replace(" ", "_"))
        if status == 422 and "errors" in payload:
            # One shape for every validation error: {"json": {"skills.0": [...]}}.
            payload["errors"] = {
                location: flatten_messages(messages)
                for location, messages in payload["errors"].items()
            }
            fields = sorted({f for loc in payload["errors"].values() for f in loc})
            payload.setdefault("message", "Données invalides : " + ", ".join(fields) + ".")
        payload.setdefault("message", error.description or error.name)
        return payload, status, headers


def _html_error(status: int, message: str) -> ResponseReturnValue:
    return render_template("errors/error.html", status=status, message=message), status


def handle_domain_error(error: DomainError) -> ResponseReturnValue:
    errors = {"json": error.errors} if isinstance(error, FieldErrors) else None
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
    return _html_error(error.status_code, error.message)


def handle_payment_error(error: PaymentError) -> ResponseReturnValue:
    """The payment provider refused or could not be reached; nothing was recorded.

    A refusal (card declined, operation rejected) is 402 Payment Required: the
    caller must change something (another card, support). An outage is 503 with
    Retry-After: the very same request will work later, and the contract is
    still in the state it was, so retrying is safe. Never a 500: not a bug.
    """
    status = 503 if error.retryable else 402
    if is_api_request():
        name = "Service Unavailable" if error.retryable else "Payment Required"
        response = jsonify(error_payload(status, name, error.message, error.code))
        response.status_code = status
        if error.retryable:
            response.headers["Retry-After"] = "30"
        return response
    response = make_response(_html_error(status, error.message))
    if error.retryable:
        response.headers["Retry-After"] = "30"
    return response


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(PaymentError, handle_payment_error)
