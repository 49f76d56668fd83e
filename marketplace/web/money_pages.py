"""The operator's money pages: totals by month from the ledger, the reconciliation with the
payment provider, and the background jobs that failed (with a retry)."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from marshmallow import ValidationError

from marketplace.accounts.models import Role
from marketplace.operations import money
from marketplace.operations.schemas import MoneyQuery
from marketplace.web.blueprint import bp
from marketplace.web.forms import FormState
from marketplace.web.helpers import signed_in


@bp.get("/operateur/argent")
def operator_money() -> ResponseReturnValue:
    """Funded, released, refunded, commission and held, month by month (`?from=&to=`)."""
    signed_in(Role.OPERATOR)
    form = FormState(request.args)
    try:
        args = MoneyQuery().load(request.args)
    except ValidationError as exc:
        errors = {
            {"first": "from", "last": "to"}.get(name, name): list(messages)
            for name, messages in exc.normalized_messages().items()
            if isinstance(messages, list)
        }
        default = money.current_month()
        report = money.report(default.minus(11), default)
        return render_template(
            "operator/money.html", report=report, form=FormState(request.args, errors)
        ), 422
    report = money.report(args["first"], args["last"])
    return render_template("operator/money.html", report=report, form=form)
