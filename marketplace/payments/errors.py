"""Payment errors as HTTP answers (registered by the app factory): 402 or 503, never 500."""

from __future__ import annotations

from flask import jsonify, make_response
from flask.typing import ResponseReturnValue

from marketplace.http import error_payload, html_error, is_api_request
from marketplace.payments.interfaces import PaymentError


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
    response = make_response(html_error(status, error.message))
    if error.retryable:
        response.headers["Retry-After"] = "30"
    return response
