"""One error format for the API, error pages for the web, and the smorest Api."""

from __future__ import annotations

from typing import Any

from flask import Flask, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_smorest import Api as SmorestApi
from werkzeug.exceptions import HTTPException

from marketplace.errors import DomainError, FieldErrors, Unauthorized
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


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
