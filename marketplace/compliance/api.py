"""Compliance API: the secretary's URSSAF attestations, a contract's vigilance status."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, send_file
from flask.views import MethodView

from marketplace.accounts.auth import api_user
from marketplace.accounts.models import Role
from marketplace.compliance import vigilance
from marketplace.compliance.models import VigilanceDocument
from marketplace.compliance.schemas import (
    MyVigilanceDocumentOut,
    VigilanceFileIn,
    VigilanceFormIn,
    VigilanceOut,
)
from marketplace.contracts.services import visible_contract
from marketplace.errors import NotFound
from marketplace.http import Blueprint

blp = Blueprint(
    "compliance", __name__, url_prefix="/api/v1", description="Compliance: obligation de vigilance"
)


@blp.route("/me/vigilance-documents")
class VigilanceDocuments(MethodView):
    @blp.response(200, MyVigilanceDocumentOut(many=True))
    def get(self) -> list[VigilanceDocument]:
        """The calling secretary's URSSAF attestations, newest first (the first counts)."""
        return vigilance.documents_of(api_user(Role.SECRETARY))

    @blp.arguments(VigilanceFileIn, location="files")
    @blp.arguments(VigilanceFormIn, location="form")
    @blp.response(201, MyVigilanceDocumentOut)
    def post(self, files: dict[str, Any], form: dict[str, Any]) -> VigilanceDocument:
        """Upload an URSSAF attestation de vigilance (multipart: `file`, `issued_on`,
        `security_code`). It counts for six months from `issued_on`; one older than that,
        or dated in the future, is refused (422 naming `issued_on`), as is a file that is
        not a PDF, PNG or JPEG (422 naming `file`)."""
        user = api_user(Role.SECRETARY)
        upload = files["file"]
        return vigilance.upload(
            user,
            upload.filename or "",
            upload.stream,
            issued_on=form["issued_on"],
            security_code=form["security_code"],
        )


@blp.route("/contracts/<uuid:contract_id>/vigilance")
class ContractVigilance(MethodView):
    @blp.response(200, VigilanceOut)
    def get(self, contract_id: uuid.UUID) -> vigilance.VigilanceStatus:
        """Whether the contract needs the secretary's URSSAF attestation (from 5,000 € HT)
        and where it stands; while `required` and not `valid`, funding is refused (409)."""
        return vigilance.status_of(visible_contract(api_user(), contract_id))


@blp.route("/contracts/<uuid:contract_id>/vigilance/document")
class ContractVigilanceDocument(MethodView):
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
    def get(self, contract_id: uuid.UUID) -> Response:
        """The attestation that counts for this contract, for its parties (the business
        keeps it: the law makes it obtain it). 404 when there is none."""
        state = vigilance.status_of(visible_contract(api_user(), contract_id))
        if state.document is None:
            raise NotFound("Aucune attestation de vigilance pour ce contrat.")
        return document_response(state.document)


def document_response(document: VigilanceDocument) -> Response:
    response = send_file(
        vigilance.open_document(document),
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.filename,
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
