"""DAC7 API: her tax information and yearly statements; the operator's yearly report."""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for
from flask.views import MethodView

from marketplace.accounts.auth import api_user
from marketplace.accounts.models import Role
from marketplace.dac7 import services
from marketplace.dac7.models import TaxProfile
from marketplace.dac7.schemas import (
    TaxProfileIn,
    TaxProfileOut,
    TaxStatementLink,
    TaxStatementOut,
)
from marketplace.errors import NotFound
from marketplace.http import Blueprint

blp = Blueprint("dac7", __name__, url_prefix="/api/v1", description="DAC7: platform reporting")


@blp.route("/me/tax-profile")
class MyTaxProfile(MethodView):
    @blp.response(200, TaxProfileOut)
    def get(self) -> TaxProfile:
        """Her DAC7 information (the IBAN masked); 404 until she has given it."""
        profile = services.tax_profile_of(api_user(Role.SECRETARY))
        if profile is None:
            raise NotFound("Informations fiscales pas encore renseignées.")
        return profile

    @blp.arguments(TaxProfileIn)
    @blp.response(200, TaxProfileOut)
    def put(self, data: dict[str, Any]) -> TaxProfile:
        """Give or replace what DAC7 needs: legal name, address, date of birth or SIREN,
        tax identification number, the IBAN of her payouts (checked: 422 naming each)."""
        return services.save_tax_profile(api_user(Role.SECRETARY), data)


@blp.route("/me/tax-statements")
class MyTaxStatements(MethodView):
    @blp.response(200, TaxStatementLink(many=True))
    def get(self) -> list[dict[str, Any]]:
        """Her yearly statements (DAC7 data), newest first: one per year she was paid."""
        user = api_user(Role.SECRETARY)
        current = services.utcnow().astimezone(services.PARIS).year
        return [
            {
                "year": year,
                "url": url_for("dac7.MyTaxStatement", year=year),
                "final": year < current,
            }
            for year in services.statement_years(user)
        ]


@blp.route("/me/tax-statements/<int:year>")
class MyTaxStatement(MethodView):
    @blp.response(200, TaxStatementOut)
    def get(self, year: int) -> services.Statement:
        """What the platform paid her that year, per quarter: consideration (net of its
        commission), commissions withheld, number of payouts. 404 for a year without."""
        return services.own_statement(api_user(Role.SECRETARY), year)


@blp.route("/admin/tax-reports/<int:year>")
class TaxReport(MethodView):
    @blp.response(200, {"type": "string"}, content_type="text/csv")
    @blp.alt_response(200, schema={"type": "string"}, content_type="application/xml")
    def get(self, year: int) -> Response:
        """The platform's DAC7 report for `year` (operator): CSV, or the OECD DPI XML with
        `?format=xml` (or `Accept: application/xml`)."""
        api_user(Role.OPERATOR)
        services.check_year(year)
        wants_xml = request.args.get("format") == "xml" or (
            request.accept_mimetypes.best_match(["text/csv", "application/xml"])
            == "application/xml"
            and "text/csv" not in request.accept_mimetypes.values()
        )
        if wants_xml:
            body, mimetype, extension = services.report_xml(year), "application/xml", "xml"
        else:
            body, mimetype, extension = services.report_csv(year).encode(), "text/csv", "csv"
        return Response(
            body,
            mimetype=mimetype,
            headers={
                "Content-Disposition": f'attachment; filename="dac7-{year}.{extension}"',
                "Cache-Control": "private, no-store",
            },
        )
