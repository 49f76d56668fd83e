"""The operator's disputes page: what is held, and a form to split it."""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from marketplace.accounts.models import Role, User
from marketplace.contracts import services as contracts
from marketplace.contracts.models import Contract, ContractStatus
from marketplace.contracts.schemas import ResolveIn
from marketplace.conversations import services as conversations
from marketplace.errors import FieldErrors
from marketplace.web.blueprint import bp
from marketplace.web.forms import FormSpec, FormState
from marketplace.web.helpers import first_rows, refused_as_flash, signed_in

RESOLVE = FormSpec(
    ResolveIn,
    text=("note",),
    money=("release", "refund"),
    paths={"release": "release_cents", "refund": "refund_cents"},
)
LIMIT = 100


def _disputes_page(
    user: User, forms: dict[uuid.UUID, FormState] | None = None, status: int = 200
) -> ResponseReturnValue:
    disputed: list[Contract] = first_rows(
        contracts.contracts_for(user, ContractStatus.DISPUTED), LIMIT
    )
    rows = [
        (c, contracts.held_in_dispute(c), (forms or {}).get(c.id, FormState())) for c in disputed
    ]
    threads = conversations.conversation_ids(disputed)
    return render_template("operator/disputes.html", rows=rows, threads=threads), status


def _confirmed(spec: FormSpec, form: MultiDict[str, str]) -> dict[str, Any]:
    """The split, once the operator ticked the box saying it is final (money moves at once)."""
    errors: dict[str, list[str]] = {}
    data: dict[str, Any] = {}
    try:
        data = spec.parse(form)
    except FieldErrors as exc:
        errors = dict(exc.errors)
    if not form.get("confirm"):
        errors["confirm"] = [_("Cochez la case pour confirmer cette répartition définitive.")]
    if errors:
        raise FieldErrors(errors)
    return data


@bp.get("/operateur/litiges")
def operator_disputes() -> ResponseReturnValue:
    return _disputes_page(signed_in(Role.OPERATOR))


@bp.post("/operateur/litiges/<uuid:contract_id>/resoudre")
def operator_resolve(contract_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in(Role.OPERATOR)
    contract = contracts.visible_contract(user, contract_id)
    try:
        with refused_as_flash():
            data = _confirmed(RESOLVE, request.form)
            contracts.resolve(
                contract, user, data["release_cents"], data["refund_cents"], data["note"]
            )
            flash(_("Litige résolu pour « %(title)s ».", title=contract.mission.title), "success")
    except FieldErrors as exc:
        return _disputes_page(user, {contract.id: RESOLVE.state(request.form, exc)}, 422)
    return redirect(url_for("web.operator_disputes"))
