"""The written service agreement (contrat de prestation de services) and its acceptances.

**When it is made.** Accepting a bid (`services.hire`) writes the agreement from the
accepted bid, the mission and both profiles (`facts_of`), renders it (`agreement_pdf`),
stores the PDF bytes with their SHA-256 and a version (1), and records the business's
acceptance of that SHA-256 in the same transaction: accepting the quote is accepting the
agreement that formalises it. The stored document never changes (PostgreSQL refuses an
UPDATE of the row); terms agreed later would make a new version.

**The secretary's acceptance.** She accepts it by `POST /contracts/{id}/agreement/accept`
(or the button of the contract page): her name, the time and the document's SHA-256 are
recorded; accepting again changes nothing. The business accepted already; an operator
cannot accept for anyone (403); anyone else does not see the contract (404).

**Work waits for her acceptance.** Decision: she may not deliver a fixed-price job, nor
log, change or submit time on regular work, before she accepted the agreement (409
`agreement_not_accepted`, naming the document and its SHA-256). Her quote was an offer;
the business's acceptance made the contract, but the written terms (the independence
clause, the confidentiality and, with personal data, the processing annex that binds her
as processor under RGPD art. 28) must bind her before she touches the client's data or
bills it. The business may still fund in the meantime: money held in escrow harms no one.
Contracts made before agreements existed have none, and nothing waits on them.

**Personal data** (`personal_data`). A processing annex (RGPD art. 28) is added when the
mission involves the personal data of the business's patients, clients or employees:
when its specialty is medical, legal or insurance (the files are about people), or when
one of its skills handles people's data (phone reception, appointments, customer service,
telemarketing, mail, invoicing, bookkeeping, HR administration, medical transcription,
legal drafting). The annex names the categories of persons and data those imply.

**Download.** The PDF served (`download`) is the stored document, page for page, followed
by a page listing the acceptances recorded so far (rendered at download: the hash covers
the agreement itself, not who accepted it since).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import Role, User
from marketplace.bids.models import Bid
from marketplace.config import Settings
from marketplace.contracts import agreement_pdf, parties
from marketplace.contracts.agreement_models import AgreementAcceptance, ContractAgreement
from marketplace.contracts.models import Contract
from marketplace.db import utcnow
from marketplace.documents.pdf import fingerprint
from marketplace.errors import Conflict, Forbidden, NotFound
from marketplace.extensions import db
from marketplace.missions.models import Mission, Schedule
from marketplace.profiles.models import BusinessProfile, SecretaryProfile
from marketplace.taxonomy import label

PARIS = ZoneInfo("Europe/Paris")


class AgreementNotAccepted(Conflict):
    code = "agreement_not_accepted"


class AgreementChanged(Conflict):
    """She accepted by a SHA-256 that is not the agreement's: she read another document."""

    code = "agreement_changed"


# --- personal data -----------------------------------------------------------------

# Who the data are about and which data, by specialty and by skill (see the docstring).
_SPECIALTY_DATA: dict[str, tuple[str, str]] = {
    "medical": (
        "les patients du client et leurs proches",
        "identité, coordonnées, rendez-vous, motifs de consultation et données de santé "
        "(catégorie particulière de données, art. 9 du RGPD)",
    ),
    "legal": (
        "les clients du client, leurs contradicteurs et correspondants",
        "identité, coordonnées, éléments des dossiers, le cas échéant données relatives aux "
        "condamnations et infractions (art. 10 du RGPD)",
    ),
    "insurance": (
        "les assurés, souscripteurs, bénéficiaires et victimes de sinistres",
        "identité, coordonnées, contrats, sinistres, le cas échéant données de santé",
    ),
}
_CALLERS = (
    "les clients, patients, prospects et correspondants du client",
    "identité, coordonnées, objet des appels, messages et rendez-vous",
)
_SKILL_DATA: dict[str, tuple[str, str]] = {
    "phone_reception": _CALLERS,
    "appointment_booking": _CALLERS,
    "customer_service": _CALLERS,
    "telemarketing": ("les clients et prospects du client", "identité, coordonnées, échanges"),
    "mail_processing": ("les correspondants du client", "identité, coordonnées, courriers"),
    "mail_merge": ("les destinataires du client", "identité, coordonnées"),
    "billing": ("les clients du client", "identité, coordonnées, factures, paiements, relances"),
    "bookkeeping": ("les clients et fournisseurs du client", "identité, factures, paiements"),
    "hr_admin": (
        "les salariés et candidats du client",
        "identité, coordonnées, contrat de travail, absences, éléments de paie",
    ),
    "medical_transcription": _SPECIALTY_DATA["medical"],
    "legal_drafting": _SPECIALTY_DATA["legal"],
}


def personal_data(mission: Mission) -> dict[str, list[str]] | None:
    """The categories of persons and of data the mission handles for the business, or
    None when it involves none (then no processing annex)."""
    found = [_SPECIALTY_DATA[mission.specialty]] if mission.specialty in _SPECIALTY_DATA else []
    found += [_SKILL_DATA[code] for code in mission.skills if code in _SKILL_DATA]
    if not found:
        return None
    persons = list(dict.fromkeys(p for p, _d in found))
    data = list(dict.fromkeys(d for _p, d in found))
    return {"persons": persons, "data": data}


# --- the facts it is written from ------------------------------------------------------


def _settings() -> Settings:
    settings: Settings = current_app.config["MARKETPLACE_SETTINGS"]
    return settings


def facts_of(contract: Contract, version: int, now: datetime) -> dict[str, Any]:
    """Everything the agreement says, from the contract (its frozen terms), the accepted
    bid, the mission and both profiles; stored with the PDF."""
    mission = contract.mission
    bid = db.session.get(Bid, contract.bid_id)
    secretary = db.session.get(SecretaryProfile, contract.secretary_id)
    business = db.session.get(BusinessProfile, contract.business_id)
    recurring = mission.schedule is Schedule.RECURRING
    starts_on = contract.starts_on or (bid.start_date if bid else None) or mission.start_date
    ends_on = contract.ends_on or mission.end_date
    return {
        "reference": str(contract.id),
        "version": version,
        "written_on": now.astimezone(PARIS).date().isoformat(),
        "platform": _settings().platform_legal_name,
        "business": {
            "name": business.company_name if business else contract.business.display_name,
            "representative": contract.business.display_name,
            "siret": business.siret if business else None,
            "address_lines": parties.postal_address(business),
        },
        "secretary": {
            "name": contract.secretary.display_name,
            "legal_form": "Entrepreneur individuel (EI)",
            "siret": secretary.siret if secretary else None,
            "address_lines": parties.postal_address(secretary),
            "vat_exempt": secretary.vat_exempt if secretary else True,
        },
        "mission": {
            "title": mission.title,
            "description": mission.description,
            "specialty": label(mission.specialty),
            "skills": [label(code) for code in mission.skills],
            "remote_ok": mission.remote_ok,
            "city": mission.city,
            "bid_message": bid.message if bid else "",
        },
        "kind": contract.kind.value,
        "price": {
            "amount_cents": contract.amount_cents,
            "hourly_rate_cents": contract.hourly_rate_cents,
            "cap_minutes_per_period": contract.cap_minutes_per_period,
            "estimated_hours": (bid.estimated_hours if bid else None) or mission.estimated_hours,
            "surcharges": {
                "urgent": contract.urgent_surcharge_percent,
                "evening": contract.evening_surcharge_percent,
                "weekend": contract.weekend_surcharge_percent,
            },
            "commission_basis_points": contract.commission_basis_points,
        },
        "schedule": {
            "recurring": recurring,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat() if ends_on else None,
            "period": contract.period.value if contract.period else None,
            "weekly_slots": list(mission.weekly_slots or []) if recurring else [],
        },
        "notice_days": contract.notice_days if contract.is_regular else None,
        "confidential": mission.confidential,
        "personal_data": personal_data(mission),
    }


# --- making it and accepting it ---------------------------------------------------------


def current(contract: Contract) -> ContractAgreement | None:
    """The latest version of the contract's agreement (None for contracts older than them)."""
    return db.session.scalar(
        sa.select(ContractAgreement)
        .where(ContractAgreement.contract_id == contract.id)
        .order_by(ContractAgreement.version.desc())
        .limit(1)
    )


def _acceptance_name(contract: Contract, user: User, role: str) -> str:
    if role == "business":
        business = db.session.get(BusinessProfile, contract.business_id)
        if business is not None and business.company_name != user.display_name:
            return f"{user.display_name} pour {business.company_name}"
    return user.display_name


def _record(agreement: ContractAgreement, contract: Contract, user: User, role: str) -> None:
    db.session.add(
        AgreementAcceptance(
            agreement_id=agreement.id,
            user_id=user.id,
            role=role,
            name=_acceptance_name(contract, user, role),
            sha256=agreement.sha256,
        )
    )
    db.session.flush()


def write(contract: Contract, business: User) -> ContractAgreement:
    """The agreement of a contract just made from an accepted bid, accepted by the
    business that accepted the bid; in the current transaction (the caller commits)."""
    now = utcnow()
    facts = facts_of(contract, 1, now)
    pdf = agreement_pdf.render(facts, now)
    agreement = ContractAgreement(
        contract_id=contract.id, version=1, sha256=fingerprint(pdf), pdf=pdf, facts=facts
    )
    db.session.add(agreement)
    db.session.flush()
    _record(agreement, contract, business, "business")
    return agreement


def agreement_of(contract: Contract) -> ContractAgreement:
    found = current(contract)
    if found is None:
        raise NotFound(_("Ce contrat n'a pas de contrat de prestation écrit."))
    return found


def accept(contract: Contract, user: User, sha256: str | None = None) -> ContractAgreement:
    """The secretary accepts the agreement (idempotent: accepted once, it stays accepted
    as it was). With `sha256`, it must be the document's (409 otherwise)."""
    role = contract.party_role(user.id)
    if role is None and user.role is not Role.OPERATOR:
        raise NotFound(_("Contrat introuvable."))
    if role != "secretary":
        raise Forbidden(_("Seule la secrétaire accepte ici le contrat de prestation."))
    agreement = agreement_of(contract)
    if sha256 is not None and sha256.lower() != agreement.sha256:
        raise AgreementChanged(
            _(
                "Le document accepté n'est pas celui du contrat (SHA-256 %(sha)s).",
                sha=agreement.sha256,
            )
        )
    if any(a.role == role for a in agreement.acceptances):
        return agreement
    try:
        _record(agreement, contract, user, role)
        db.session.commit()
    except IntegrityError:  # a concurrent accept recorded it first: the same outcome
        db.session.rollback()
    db.session.refresh(agreement)
    return agreement


def secretary_accepted(agreement: ContractAgreement) -> bool:
    return any(a.role == "secretary" for a in agreement.acceptances)


def require_accepted(contract: Contract) -> None:
    """409 `agreement_not_accepted` while the secretary has not accepted the agreement
    (contracts without one wait for nothing)."""
    found = db.session.execute(
        sa.select(ContractAgreement.version, ContractAgreement.sha256, AgreementAcceptance.id)
        .outerjoin(
            AgreementAcceptance,
            sa.and_(
                AgreementAcceptance.agreement_id == ContractAgreement.id,
                AgreementAcceptance.role == "secretary",
            ),
        )
        .where(ContractAgreement.contract_id == contract.id)
        .order_by(ContractAgreement.version.desc())
        .limit(1)
    ).first()
    if found is None or found[2] is not None:
        return
    raise AgreementNotAccepted(
        _(
            "Acceptez d'abord le contrat de prestation (version %(version)s, SHA-256 "
            "%(sha)s) : le travail commence après votre acceptation.",
            version=found[0],
            sha=found[1],
        )
    )


# --- what it shows -----------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementState:
    agreement: ContractAgreement
    accepted_by_both: bool
    secretary_accepted: bool


def state(agreement: ContractAgreement) -> AgreementState:
    roles = {a.role for a in agreement.acceptances}
    return AgreementState(agreement, {"business", "secretary"} <= roles, "secretary" in roles)


def download(agreement: ContractAgreement) -> bytes:
    """The stored document followed by the page of the acceptances recorded so far."""
    return agreement_pdf.with_acceptances(agreement)


def filename(agreement: ContractAgreement) -> str:
    return f"contrat-de-prestation-{str(agreement.contract_id)[:8]}-v{agreement.version}.pdf"
