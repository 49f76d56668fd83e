"""The billing mandate (mandat de facturation, CGI art. 289 I-2 and BOI-TVA-DECLA-30-20-10-20).

The platform issues each secretary's invoices to her clients in her name and on her
behalf (autofacturation). The law allows it under a prior mandate from her: she accepts
it once, and the acceptance is kept as it was given (the version, the SHA-256 of its text,
the date, the name she accepted under: `BillingMandate`). A new version of the text needs
a new acceptance.

Without an accepted mandate nobody may issue her invoices, so she is not paid: a release
is held exactly like one for a secretary without a payout account
(`payouts.can_receive_payouts`), and `payments release-due` pays her once she accepts.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import Role, User
from marketplace.errors import Forbidden
from marketplace.extensions import db
from marketplace.payments.models import BillingMandate

VERSION = "2026-12"
TEXT = """\
Mandat de facturation (article 289 I-2 du code général des impôts)

Entre la prestataire, titulaire du compte secrétaire qui accepte le présent mandat
(« la mandante »), et la plateforme Secrétaires indépendantes, éditrice du site
(« la mandataire »).

1. Objet. La mandante confie à la mandataire, qui l'accepte, l'établissement et
l'émission en son nom et pour son compte des factures de ses prestations de services
vendues à ses clients par l'intermédiaire de la plateforme (autofacturation).

2. Contenu des factures. Chaque facture est établie à partir des informations du
contrat (prix convenu, période de la prestation) et de celles que la mandante déclare
dans son profil (identité, adresse, SIRET, régime de TVA et, le cas échéant, numéro de
TVA intracommunautaire). La mandante s'engage à tenir ces informations exactes et à
jour ; elle reste seule responsable de ses obligations fiscales et sociales, notamment
du reversement de la TVA facturée en son nom.

3. Numérotation. Les factures portent la mention « Autofacturation », sont numérotées
dans une séquence chronologique et continue propre à la mandante et sont émises au
format électronique Factur-X.

4. Acceptation des factures. Une copie de chaque facture est mise à la disposition de
la mandante dès son émission. La mandante dispose de quinze jours pour la contester ;
passé ce délai, elle est réputée l'avoir acceptée. Une facture émise n'est jamais
modifiée : une correction passe par une facture d'avoir.

5. Durée. Le mandat prend effet à son acceptation, pour une durée indéterminée. Il
peut être résilié par chacune des parties à tout moment ; les factures des prestations
validées avant la résiliation restent émises par la mandataire.
"""


@dataclass(frozen=True)
class MandateState:
    version: str
    text: str
    accepted_at: datetime | None
    signer_name: str | None


def text_sha256() -> str:
    return hashlib.sha256(TEXT.encode()).hexdigest()


def acceptance_of(user_id: uuid.UUID) -> BillingMandate | None:
    """Her acceptance of the current version, if any (a primary-key read: the session's
    identity map answers the second time)."""
    return db.session.get(BillingMandate, (user_id, VERSION))


def has_accepted(user_id: uuid.UUID) -> bool:
    return acceptance_of(user_id) is not None


def state_for(user: User) -> MandateState:
    if user.role is not Role.SECRETARY:
        raise Forbidden(_("Seule une secrétaire donne un mandat de facturation."))
    accepted = acceptance_of(user.id)
    return MandateState(
        version=VERSION,
        text=TEXT,
        accepted_at=accepted.accepted_at if accepted else None,
        signer_name=accepted.signer_name if accepted else None,
    )


def accept(user: User) -> MandateState:
    """She accepts the current version; accepting it again changes nothing (the first
    acceptance is the one kept)."""
    if user.role is not Role.SECRETARY:
        raise Forbidden(_("Seule une secrétaire donne un mandat de facturation."))
    if acceptance_of(user.id) is None:
        db.session.add(
            BillingMandate(
                user_id=user.id,
                version=VERSION,
                text_sha256=text_sha256(),
                signer_name=user.display_name,
            )
        )
        try:
            db.session.commit()
        except IntegrityError:  # a concurrent request accepted it first: that one is kept
            db.session.rollback()
    return state_for(user)
