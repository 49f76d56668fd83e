"""The secretary's tax information (DAC7): the form for what the platform must report of
her, and her yearly statements (one page each, printable). Thin: the DAC7 services decide."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from marketplace.accounts.models import Role, User
from marketplace.dac7 import services as dac7
from marketplace.dac7.schemas import TaxProfileIn
from marketplace.errors import FieldErrors
from marketplace.web.blueprint import bp
from marketplace.web.forms import FormSpec, FormState
from marketplace.web.helpers import signed_in

TAX_PROFILE = FormSpec(
    TaxProfileIn,
    text=(
        "legal_name",
        "street_address",
        "street_address_line2",
        "postal_code",
        "city",
        "country",
        "birth_date",
        "siren",
        "tin",
        "iban",
    ),
)


def _saved_values(user: User) -> dict[str, Any]:
    """What she gave, for the form (never the IBAN: it is shown masked, typed again)."""
    profile = dac7.tax_profile_of(user)
    if profile is None:
        return {"country": "FR"}
    return {
        "legal_name": profile.legal_name,
        "street_address": profile.street_line1,
        "street_address_line2": profile.street_line2,
        "postal_code": profile.postal_code,
        "city": profile.city,
        "country": profile.country,
        "birth_date": profile.birth_date.isoformat() if profile.birth_date else "",
        "siren": profile.siren or "",
        "tin": profile.tin,
    }


def _page(user: User, form: FormState, status: int = 200) -> ResponseReturnValue:
    profile = dac7.tax_profile_of(user)
    current = dac7.utcnow().astimezone(dac7.PARIS).year
    return (
        render_template(
            "payments/tax_information.html",
            profile=profile,
            iban_masked=dac7.mask_iban(profile.iban) if profile else None,
            form=form,
            years=[(year, year < current) for year in dac7.statement_years(user)],
            missing=profile is None and dac7.information_missing(user),
        ),
        status,
    )


@bp.get("/informations-fiscales")
def tax_information_page() -> ResponseReturnValue:
    user = signed_in(Role.SECRETARY)
    return _page(user, FormState(_saved_values(user)))


@bp.post("/informations-fiscales")
def tax_information_save() -> ResponseReturnValue:
    user = signed_in(Role.SECRETARY)
    try:
        dac7.save_tax_profile(user, TAX_PROFILE.parse(request.form))
    except FieldErrors as exc:
        return _page(user, TAX_PROFILE.state(request.form, exc), 422)
    flash(_("Informations fiscales enregistrées."), "success")
    return redirect(url_for("web.tax_information_page"))


@bp.get("/informations-fiscales/<int:year>")
def tax_statement_page(year: int) -> ResponseReturnValue:
    user = signed_in(Role.SECRETARY)
    statement = dac7.own_statement(user, year)
    return render_template("payments/tax_statement.html", statement=statement)
