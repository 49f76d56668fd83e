"""The operator's money pages: totals by month from the ledger, the reconciliation with the
payment provider, and the background jobs that failed (with a retry)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from marshmallow import ValidationError

from marketplace.accounts.models import Role
from marketplace.extensions import db
from marketplace.jobs import pending_count, runner
from marketplace.operations import money, reconcile
from marketplace.operations.schemas import MoneyQuery
from marketplace.pagination import MAX_PAGE, paginate
from marketplace.web.blueprint import bp
from marketplace.web.forms import FormState
from marketplace.web.helpers import refused_as_flash, signed_in


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


RECONCILIATION_PER_PAGE = 50
JOBS_PER_PAGE = 25


def _page_number() -> int:
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)


def _pages(total: int, per_page: int) -> int:
    return max((total + per_page - 1) // per_page, 1)


@bp.get("/operateur/rapprochement")
def operator_reconciliation() -> ResponseReturnValue:
    """The last reconciliation's findings, a page at a time, and a button to run one now."""
    signed_in(Role.OPERATOR)
    run = reconcile.latest_run()
    page, total, rows = _page_number(), 0, list[Any]()
    if run is not None:
        total, rows = paginate(
            reconcile.findings_of(run.id), page, RECONCILIATION_PER_PAGE, rows=True
        )
    return render_template(
        "operator/reconciliation.html",
        run=run,
        rows=rows,
        rules=reconcile.RULES,
        total=total,
        page=page,
        pages=_pages(total, RECONCILIATION_PER_PAGE),
    )


@bp.post("/operateur/rapprochement/lancer")
def operator_reconcile_now() -> ResponseReturnValue:
    signed_in(Role.OPERATOR)
    with refused_as_flash():
        run = reconcile.run()
        if run.provider_error:
            flash(_("Stripe n'a pas pu être interrogé ; seul le journal a été vérifié."), "error")
        flash(
            ngettext(
                "Rapprochement terminé : %(num)d désaccord.",
                "Rapprochement terminé : %(num)d désaccords.",
                run.findings_count,
            ),
            "success" if not run.findings_count else "error",
        )
    return redirect(url_for("web.operator_reconciliation"))


@bp.get("/operateur/taches")
def operator_failed_jobs() -> ResponseReturnValue:
    """Background jobs that gave up after every attempt: their error and a retry button."""
    signed_in(Role.OPERATOR)
    page = _page_number()
    total, failed = paginate(runner.failed_select(), page, JOBS_PER_PAGE)
    return render_template(
        "operator/failed_jobs.html",
        failed=failed,
        pending=pending_count(),
        total=total,
        page=page,
        pages=_pages(total, JOBS_PER_PAGE),
    )


@bp.post("/operateur/taches/<uuid:job_id>/relancer")
def operator_retry_job(job_id: uuid.UUID) -> ResponseReturnValue:
    """Give a failed job a fresh set of attempts; a second click (or another operator's)
    finds it no longer failed and changes nothing."""
    signed_in(Role.OPERATOR)
    if runner.retry_failed(job_id):
        db.session.commit()  # relayed to the runner after the commit
        flash(_("La tâche va être relancée."), "success")
    else:
        db.session.rollback()
        flash(_("Cette tâche n'est pas (ou plus) en échec : rien à relancer."), "error")
    return redirect(url_for("web.operator_failed_jobs", page=request.form.get("page") or None))
