"""Compliance pages: the secretary's URSSAF attestations (list and upload), and the
attestation of a contract for its parties. Thin: each route loads, checks, calls one service.

The contract page includes `compliance/_contract_vigilance.html` (its handler passes
`vigilance`)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import BinaryIO, cast

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from marketplace.accounts.models import Role
from marketplace.compliance import vigilance
from marketplace.compliance.api import document_response
from marketplace.compliance.schemas import VigilanceFormIn
from marketplace.contracts import services as contracts
from marketplace.errors import FieldErrors
from marketplace.files import ACCEPT_ATTRIBUTE
from marketplace.validation import load
from marketplace.web.blueprint import bp
from marketplace.web.forms import FormState
from marketplace.web.helpers import signed_in


def _page(form: FormState, status: int = 200) -> ResponseReturnValue:
    user = signed_in(Role.SECRETARY)
    return (
        render_template(
            "compliance/vigilance.html",
            documents=vigilance.documents_of(user),
            form=form,
            accept_files=ACCEPT_ATTRIBUTE,
            threshold_cents=vigilance.THRESHOLD_CENTS,
            today=date.today(),
        ),
        status,
    )


@bp.get("/attestation-vigilance")
def vigilance_page() -> ResponseReturnValue:
    return _page(FormState())


@bp.post("/attestation-vigilance")
def vigilance_upload() -> ResponseReturnValue:
    user = signed_in(Role.SECRETARY)
    upload = request.files.get("file")
    try:
        data = load(
            VigilanceFormIn(),
            {
                k: v
                for k in ("issued_on", "security_code")
                if (v := request.form.get(k, "").strip())
            },
        )
        if not upload or not upload.filename:
            raise FieldErrors({"file": [_("Choisissez le fichier de l'attestation.")]})
        vigilance.upload(
            user,
            upload.filename,
            cast(BinaryIO, upload.stream),
            issued_on=data["issued_on"],
            security_code=data["security_code"],
        )
    except FieldErrors as exc:
        return _page(FormState(request.form, exc.errors), 422)
    flash(
        _("Attestation de vigilance enregistrée : vos clients la voient sur leurs contrats."),
        "success",
    )
    return redirect(url_for("web.vigilance_page"))


@bp.get("/contrats/<uuid:contract_id>/attestation-vigilance")
def contract_vigilance_document(contract_id: uuid.UUID) -> ResponseReturnValue:
    contract = contracts.visible_contract(signed_in(), contract_id)
    state = vigilance.status_of(contract)
    if state.document is None:
        abort(404)
    return document_response(state.document)
