"""The JSON API of the written service agreement (API.md, Regular work): read it, download
it, and the secretary's acceptance. Thin routes over `contracts.agreement`."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response
from flask.views import MethodView

from marketplace.accounts.auth import api_user
from marketplace.contracts import agreement, services
from marketplace.contracts.agreement_models import ContractAgreement
from marketplace.contracts.schemas import AgreementAcceptIn, AgreementOut
from marketplace.http import Blueprint

blp = Blueprint(
    "agreements", __name__, url_prefix="/api/v1", description="The written service agreement"
)


def shown(found: ContractAgreement) -> dict[str, Any]:
    seen = agreement.state(found)
    return {
        "sha256": found.sha256,
        "version": found.version,
        "created_at": found.created_at,
        "acceptances": found.acceptances,
        "accepted_by_both": seen.accepted_by_both,
        "personal_data_annex": bool(found.facts.get("personal_data")),
        "pdf_url": f"/api/v1/contracts/{found.contract_id}/agreement.pdf",
    }


def pdf_response(found: ContractAgreement) -> Response:
    return Response(
        agreement.download(found),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{agreement.filename(found)}"',
            "Cache-Control": "private, no-store",
            # The fingerprint of the agreement itself (the pages before the acceptances).
            "X-Document-SHA256": found.sha256,
        },
    )


@blp.route("/contracts/<uuid:contract_id>/agreement")
class Agreement(MethodView):
    @blp.response(200, AgreementOut)
    def get(self, contract_id: uuid.UUID) -> dict[str, Any]:
        """The contract's service agreement: its SHA-256, version and acceptances."""
        contract = services.visible_contract(api_user(), contract_id)
        return shown(agreement.agreement_of(contract))


@blp.route("/contracts/<uuid:contract_id>/agreement.pdf")
class AgreementPdf(MethodView):
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
    def get(self, contract_id: uuid.UUID) -> Response:
        """The agreement PDF, with a last page listing the acceptances recorded so far
        (the parties and operators)."""
        contract = services.visible_contract(api_user(), contract_id)
        return pdf_response(agreement.agreement_of(contract))


@blp.route("/contracts/<uuid:contract_id>/agreement/accept")
class AgreementAccept(MethodView):
    @blp.arguments(AgreementAcceptIn, required=False)
    @blp.response(200, AgreementOut)
    def post(self, data: dict[str, Any] | None, contract_id: uuid.UUID) -> dict[str, Any]:
        """The secretary accepts the agreement (idempotent); she may then deliver or log
        time. Optional `sha256`: the document she read, refused (409) if it is not this one."""
        user = api_user()
        contract = services.visible_contract(user, contract_id)
        return shown(agreement.accept(contract, user, (data or {}).get("sha256")))
