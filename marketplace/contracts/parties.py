"""What a contract's invoices say about its two parties (from their profiles), written once
for the one-off release (`services.invoice_facts`) and for each period of regular work
(`periods.invoice_facts`)."""

from __future__ import annotations

from typing import Any

from marketplace.contracts.models import Contract
from marketplace.extensions import db
from marketplace.payments.interfaces import InvoiceParty
from marketplace.profiles.models import BusinessProfile, SecretaryProfile


def _streets(profile: Any) -> tuple[str, ...]:
    if profile is None:
        return ()
    return tuple(line for line in (profile.street_line1, profile.street_line2) if line)


def _place(profile: Any) -> list[str]:
    if profile is None:
        return []
    return [
        *_streets(profile),
        f"{profile.postal_code} {profile.city}",
        "France" if profile.country == "FR" else profile.country,
    ]


def postal_address(profile: Any) -> list[str]:
    """A party's postal address as lines, from its profile: the street lines when the
    profile has them (`street_line1`, `street_line2`), then the postal code and city, then
    the country. Every document naming the parties (the agreement) takes it from here."""
    if profile is None:
        return []
    streets = [
        str(line).strip()
        for line in (getattr(profile, "street_line1", ""), getattr(profile, "street_line2", ""))
        if line and str(line).strip()
    ]
    return streets + _place(profile)


def _address(profile: Any) -> dict[str, Any]:
    """The structured address and, when VAT is charged, the VAT number."""
    if profile is None:
        return {}
    return {
        "postal_code": profile.postal_code,
        "city": profile.city,
        "country": profile.country,
        "street_lines": _streets(profile),
        "vat_number": None if profile.vat_exempt else profile.vat_number,
    }


def invoice_parties(contract: Contract) -> tuple[InvoiceParty, InvoiceParty]:
    """(the secretary, the business) as their invoices name them."""
    secretary = db.session.get(SecretaryProfile, contract.secretary_id)
    business = db.session.get(BusinessProfile, contract.business_id)
    return (
        InvoiceParty(
            name=contract.secretary.display_name,
            legal_form="Entrepreneur individuel (EI)",
            siret=secretary.siret if secretary else None,
            address_lines=_place(secretary),
            **_address(secretary),
            vat_exempt=secretary.vat_exempt if secretary else True,
        ),
        InvoiceParty(
            name=business.company_name if business else contract.business.display_name,
            contact=contract.business.display_name,
            siret=business.siret if business else None,
            address_lines=_place(business),
            **_address(business),
        ),
    )
