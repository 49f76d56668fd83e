"""Badges that say exactly what was checked, and by whom; never one for what nobody checked.

- `identity_verified` ("Identité vérifiée"): the payment provider verified her identity to
  pay her out. Read from her payout account as stored from the provider's reports
  (`payout_accounts`, updated by Stripe's `account.updated`): a Stripe account whose details
  are submitted and whose payouts are enabled, which Stripe allows only once it verified
  the account holder (KYC). The sandbox provider verifies nobody: no badge there.
- `siret_valid` ("SIRET valide"): the SIRET she gave has a right check digit (Luhn, over the
  14 digits). That is all it says: not that the business is active at INSEE.
- `urssaf_attestation_valid` ("Attestation URSSAF à jour"): she uploaded an URSSAF attestation
  de vigilance whose six months have not run out today (`compliance.vigilance`). The platform
  stores its security code, which lets a business check it on urssaf.fr; it does not check
  it itself.

Computed when read, in one query for a page of cards (`for_secretaries`): the badges change
with the provider's reports and the calendar, not with the profile, so they are not kept
in the search index. The routes (API and pages) add them to what they show.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.compliance.models import VigilanceDocument
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.payments.models import PayoutAccount
from marketplace.profiles.models import SecretaryProfile
from marketplace.validation import luhn_ok

IDENTITY = "identity_verified"
SIRET = "siret_valid"
URSSAF = "urssaf_attestation_valid"
# In the order they are shown.
BADGES = (IDENTITY, SIRET, URSSAF)
LABELS = {
    IDENTITY: _l("Identité vérifiée"),
    SIRET: _l("SIRET valide"),
    URSSAF: _l("Attestation URSSAF à jour"),
}
# What each badge means, for the title of the badge and the profile page.
MEANINGS = {
    IDENTITY: _l("Vérifiée par le prestataire de paiement pour lui verser ses paiements."),
    SIRET: _l("Le numéro SIRET a une clé de contrôle correcte."),
    URSSAF: _l("Attestation de vigilance URSSAF de moins de six mois déposée sur la plateforme."),
}
# The providers that verify a payout account holder's identity.
VERIFYING_PROVIDERS = ("stripe",)
PARIS = ZoneInfo("Europe/Paris")


def siret_valid(siret: str | None) -> bool:
    return (
        bool(siret) and len(siret or "") == 14 and (siret or "").isdigit() and luhn_ok(siret or "")
    )


def for_secretaries(
    ids: Iterable[uuid.UUID | str], today: date | None = None
) -> dict[str, list[str]]:
    """Each secretary's badges (by id as text), in one query."""
    wanted = [uuid.UUID(str(i)) for i in ids]
    if not wanted:
        return {}
    today = today or utcnow().astimezone(PARIS).date()
    latest = (
        sa.select(
            VigilanceDocument.secretary_id.label("sid"),
            sa.func.max(VigilanceDocument.expires_on).label("expires_on"),
        )
        .where(VigilanceDocument.secretary_id.in_(wanted))
        .group_by(VigilanceDocument.secretary_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            SecretaryProfile.user_id,
            SecretaryProfile.siret,
            PayoutAccount.provider,
            PayoutAccount.payouts_enabled,
            PayoutAccount.details_submitted,
            latest.c.expires_on,
        )
        .outerjoin(PayoutAccount, PayoutAccount.user_id == SecretaryProfile.user_id)
        .outerjoin(latest, latest.c.sid == SecretaryProfile.user_id)
        .where(SecretaryProfile.user_id.in_(wanted))
    )
    found: dict[str, list[str]] = {}
    for user_id, siret, provider, enabled, submitted, expires_on in rows:
        badges = []
        if provider in VERIFYING_PROVIDERS and enabled and submitted:
            badges.append(IDENTITY)
        if siret_valid(siret):
            badges.append(SIRET)
        # Valid while today is before its expiry, as `vigilance.status_of` counts it.
        if expires_on is not None and today < expires_on:
            badges.append(URSSAF)
        found[str(user_id)] = badges
    return found


def on_cards(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cards (search results' dicts) with their badges, as new dicts (the embedded
    backend caches the ones it is given)."""
    badges = for_secretaries(card["id"] for card in cards)
    return [{**card, "badges": badges.get(card["id"], [])} for card in cards]


def on_profile(profile: Any) -> Any:
    """A profile object with `badges` set, for SecretaryCard's dump."""
    profile.badges = for_secretaries([profile.user_id]).get(str(profile.user_id), [])
    return profile
