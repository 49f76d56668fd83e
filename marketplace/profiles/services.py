"""Create and update profiles; the place always comes from the offline postal-code table."""

from __future__ import annotations

import uuid
from typing import Any

from flask_babel import gettext as _

from marketplace import slots
from marketplace.accounts.models import Role, User
from marketplace.errors import FieldErrors, Forbidden, NotFound
from marketplace.extensions import db
from marketplace.geo.places import Place, lookup
from marketplace.profiles.models import (
    BusinessProfile,
    InvoicingMixin,
    PlaceMixin,
    SecretaryProfile,
)
from marketplace.taxonomy import WEEKDAY_CODES


def resolve_place(postal_code: str, country: str = "FR") -> Place:
    if country.upper() != "FR":
        raise FieldErrors({"country": _("Seules les adresses en France sont prises en charge.")})
    place = lookup(postal_code, "FR")
    if place is None:
        raise FieldErrors({"postal_code": _("Code postal inconnu : %(code)s.", code=postal_code)})
    return place


def apply_place(target: PlaceMixin, place: Place) -> None:
    target.postal_code = place.postal_code
    target.country = "FR"
    target.city = place.city
    target.department_code = place.department_code
    target.department = place.department
    target.region = place.region
    target.lat = place.lat
    target.lon = place.lon


def apply_invoicing(target: InvoicingMixin, data: dict[str, Any], *, default_exempt: bool) -> None:
    """Street and VAT regime; VAT charged needs a VAT number, whose SIREN is the SIRET's."""
    regime = data.get("vat_regime")
    exempt = default_exempt if regime is None else regime == "franchise"
    vat_number = data.get("vat_number")
    if not exempt and not vat_number:
        raise FieldErrors(
            {"vat_number": _("Indiquez votre numéro de TVA intracommunautaire (TVA facturée).")}
        )
    siret = data.get("siret")
    if vat_number and siret and vat_number[4:] != siret[:9]:
        raise FieldErrors(
            {"vat_number": _("Ce numéro de TVA ne correspond pas au SIREN de votre SIRET.")}
        )
    target.street_line1 = (data.get("street_address") or "").strip()
    target.street_line2 = (data.get("street_address_line2") or "").strip()
    target.vat_exempt = exempt
    target.vat_number = None if exempt else vat_number


def save_secretary_profile(user: User, data: dict[str, Any]) -> SecretaryProfile:
    if user.role is not Role.SECRETARY:
        raise Forbidden()
    place = resolve_place(data["postal_code"], data.get("country", "FR"))
    profile = db.session.get(SecretaryProfile, user.id) or SecretaryProfile(user_id=user.id)
    availability = data.get("availability") or {}
    profile.headline = data["headline"].strip()
    profile.bio = data.get("bio", "").strip()
    profile.specialties = list(data["specialties"])
    profile.skills = list(data.get("skills", []))
    profile.hourly_rate_cents = data["hourly_rate_cents"]
    profile.surcharge_percent = data.get("surcharge_percent", 0)
    profile.evening_surcharge_percent = data.get("evening_surcharge_percent", 0)
    profile.weekend_surcharge_percent = data.get("weekend_surcharge_percent", 0)
    profile.remote = data.get("remote", True)
    profile.onsite_radius_km = data.get("onsite_radius_km", 0)
    profile.languages = list(data.get("languages") or ["fr"])
    profile.slots = slots.normalise(availability.get("slots") or [])
    # Slots say which days she works; days without slots are kept when she gives both.
    profile.weekdays = [
        day
        for day in WEEKDAY_CODES
        if day in set(availability.get("weekdays") or []) | set(slots.days_of(profile.slots))
    ]
    profile.hours_per_week = availability.get("hours_per_week", 35)
    profile.available_from = availability.get("available_from")
    profile.siret = data.get("siret")
    apply_invoicing(profile, data, default_exempt=data.get("vat_exempt", True))
    if not profile.remote and profile.onsite_radius_km == 0:
        raise FieldErrors(
            {
                "onsite_radius_km": _(
                    "Indiquez un rayon d'intervention si vous ne travaillez pas à distance."
                )
            }
        )
    apply_place(profile, place)
    db.session.add(profile)
    db.session.commit()
    return profile


def save_business_profile(user: User, data: dict[str, Any]) -> BusinessProfile:
    if user.role is not Role.BUSINESS:
        raise Forbidden()
    place = resolve_place(data["postal_code"], data.get("country", "FR"))
    profile = db.session.get(BusinessProfile, user.id) or BusinessProfile(user_id=user.id)
    profile.company_name = data["company_name"].strip()
    profile.siret = data.get("siret")
    profile.sector = data.get("sector", "").strip()
    apply_invoicing(profile, data, default_exempt=True)
    apply_place(profile, place)
    db.session.add(profile)
    db.session.commit()
    return profile


def own_profile(user: User) -> SecretaryProfile | BusinessProfile | None:
    if user.role is Role.SECRETARY:
        return db.session.get(SecretaryProfile, user.id)
    if user.role is Role.BUSINESS:
        return db.session.get(BusinessProfile, user.id)
    return None


def public_secretary(user_id: uuid.UUID) -> SecretaryProfile:
    """The profile, 404 when there is no published one (its track record is attached by
    `contracts.services.public_secretary`, which the pages and the API call)."""
    profile = db.session.get(SecretaryProfile, user_id)
    if profile is None or profile.user.is_suspended:
        raise NotFound(_("Secrétaire introuvable."))
    return profile
