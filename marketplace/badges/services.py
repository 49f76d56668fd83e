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

What each badge is checked against (`Facts`: the payout account's flags, the SIRET, the
last attestation's expiry) is read with the profile: in one query for a public profile
(`for_secretaries`), and with the search documents for cards (`documents.secretary_select`
joins the same tables; `search.outbox` reindexes a secretary when her payout account or an
attestation changes). The calendar part is decided when read (`badges_of`, with today's
date in Paris), so an attestation that runs out loses its badge that day without a
reindex, and a search page costs no query of its own for its badges.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Facts:
    """What the badges of one secretary are decided from."""

    identity: bool  # her payout account is one a provider verified, submitted and enabled
    siret: bool  # her SIRET's check digit is right
    urssaf_until: date | None  # the expiry of her latest attestation

    @classmethod
    def of(
        cls,
        siret: str | None,
        provider: str | None,
        enabled: bool | None,
        submitted: bool | None,
        expires_on: date | None,
    ) -> Facts:
        return cls(
            identity=bool(provider in VERIFYING_PROVIDERS and enabled and submitted),
            siret=siret_valid(siret),
            urssaf_until=expires_on,
        )

    def as_doc(self) -> dict[str, Any]:
        """As the search documents keep them (JSON)."""
        until = self.urssaf_until.isoformat() if self.urssaf_until else None
        return {"identity": self.identity, "siret": self.siret, "urssaf_until": until}

    @classmethod
    def from_doc(cls, doc: dict[str, Any] | None) -> Facts:
        doc = doc or {}
        until = doc.get("urssaf_until")
        return cls(bool(doc.get("identity")), bool(doc.get("siret")), _date(until))


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def today_in_paris() -> date:
    return utcnow().astimezone(PARIS).date()


def badges_of(facts: Facts, today: date) -> list[str]:
    badges = []
    if facts.identity:
        badges.append(IDENTITY)
    if facts.siret:
        badges.append(SIRET)
    # Valid while today is before its expiry, as `vigilance.status_of` counts it.
    if facts.urssaf_until is not None and today < facts.urssaf_until:
        badges.append(URSSAF)
    return badges


def latest_attestations(ids: Iterable[uuid.UUID] | None = None) -> Any:
    """Subquery (sid, expires_on): each secretary's latest attestation expiry."""
    query = sa.select(
        VigilanceDocument.secretary_id.label("sid"),
        sa.func.max(VigilanceDocument.expires_on).label("expires_on"),
    )
    if ids is not None:
        query = query.where(VigilanceDocument.secretary_id.in_(list(ids)))
    return query.group_by(VigilanceDocument.secretary_id).subquery("attestations")


def for_secretaries(
    ids: Iterable[uuid.UUID | str], today: date | None = None
) -> dict[str, list[str]]:
    """Each secretary's badges (by id as text), in one query."""
    wanted = [uuid.UUID(str(i)) for i in ids]
    if not wanted:
        return {}
    today = today or today_in_paris()
    latest = latest_attestations(wanted)
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
    return {
        str(user_id): badges_of(Facts.of(siret, provider, enabled, submitted, expires_on), today)
        for user_id, siret, provider, enabled, submitted, expires_on in rows
    }


def on_profile(profile: Any) -> Any:
    """A profile object with `badges` set, for SecretaryCard's dump."""
    profile.badges = for_secretaries([profile.user_id]).get(str(profile.user_id), [])
    return profile
