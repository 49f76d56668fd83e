"""The kinds of notification (API.md fixes their names) and their default e-mail mode.

Money and hiring are told at once by e-mail; the rest waits for the daily digest. Each
user may change the mode per kind (`immediate`, `daily`, `off`); the in-app notification
is always written. Titles and bodies are rendered when read, in the reader's language,
from the kind and the parameters stored with the notification.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

MODES = ("immediate", "daily", "off")


@dataclass(frozen=True)
class Kind:
    code: str
    default_mode: str
    title: Callable[[dict[str, Any]], str]
    body: Callable[[dict[str, Any]], str]


def _kind(code: str, mode: str, title: Callable[..., str], body: Callable[..., str]) -> Kind:
    return Kind(code, mode, lambda p: title(**p), lambda p: body(**p))


def _document_requested_body(
    document: str | None = None, expires: str | None = None, mission: str | None = None, **_p: Any
) -> str:
    if document == "vigilance" and expires:
        return _(
            "Votre attestation de vigilance URSSAF expire le %(date)s : déposez-en une nouvelle "
            "(téléchargée sur urssaf.fr) pour que vos clients puissent continuer à vous payer.",
            date=expires,
        )
    if document == "dac7":
        return _(
            "La plateforme vous a payée : la loi (DAC7, art. 1649 ter A du CGI) lui demande de "
            "déclarer ces sommes avec votre identité, votre adresse, votre numéro fiscal et "
            "votre IBAN. Complétez vos informations fiscales depuis votre espace."
        )
    if document == "vigilance":
        return _(
            "Un contrat atteint 5 000 € HT : la loi demande votre attestation de vigilance URSSAF "
            "de moins de six mois avant le paiement. Déposez-la depuis votre espace."
        )
    return _("Déposez-le depuis votre espace.")


KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        _kind(
            "invitation_received",
            "immediate",
            lambda business, mission, **_p: _(
                "%(business)s vous invite à proposer un devis", business=business
            ),
            lambda business, mission, **_p: _("Mission « %(mission)s ».", mission=mission),
        ),
        _kind(
            "message_received",
            "immediate",
            lambda sender, count="1", **_p: ngettext(
                "Nouveau message de %(sender)s",
                "%(num)d nouveaux messages de %(sender)s",
                int(count),
                sender=sender,
            ),
            lambda mission, **_p: _("À propos de « %(mission)s ».", mission=mission),
        ),
        _kind(
            "bid_received",
            "immediate",
            lambda secretary, **_p: _("Nouveau devis de %(secretary)s", secretary=secretary),
            lambda mission, amount, **_p: _(
                "%(amount)s pour « %(mission)s ».", amount=amount, mission=mission
            ),
        ),
        _kind(
            "bid_accepted",
            "immediate",
            lambda mission, **_p: _("Votre devis est accepté : « %(mission)s »", mission=mission),
            lambda business, **_p: _(
                "%(business)s vous a choisie. Le contrat attend son paiement en séquestre.",
                business=business,
            ),
        ),
        _kind(
            "bid_declined",
            "daily",
            lambda mission, **_p: _("Devis non retenu : « %(mission)s »", mission=mission),
            lambda **_p: _("Le client a retenu une autre proposition ou fermé la mission."),
        ),
        _kind(
            "contract_funded",
            "immediate",
            lambda mission, **_p: _("Fonds en séquestre : « %(mission)s »", mission=mission),
            lambda amount, **_p: _(
                "Le client a payé %(amount)s en séquestre : vous pouvez commencer.", amount=amount
            ),
        ),
        _kind(
            "contract_delivered",
            "immediate",
            lambda mission, **_p: _("Travail livré : « %(mission)s »", mission=mission),
            lambda secretary, **_p: _(
                "%(secretary)s a marqué la mission comme livrée : vérifiez et validez.",
                secretary=secretary,
            ),
        ),
        _kind(
            "auto_release_soon",
            "immediate",
            lambda mission, **_p: _(
                "Versement automatique bientôt : « %(mission)s »", mission=mission
            ),
            lambda date, **_p: _(
                "Sans validation ni litige de votre part, les fonds seront versés le %(date)s.",
                date=date,
            ),
        ),
        _kind(
            "contract_released",
            "immediate",
            lambda mission, **_p: _("Fonds versés : « %(mission)s »", mission=mission),
            lambda amount, **_p: _("%(amount)s vous ont été versés.", amount=amount),
        ),
        _kind(
            "refund_issued",
            "immediate",
            lambda mission, **_p: _("Remboursement reçu : « %(mission)s »", mission=mission),
            lambda amount, number="", invoice="", **_p: _(
                "La secrétaire vous rembourse %(amount)s : avoir n° %(number)s sur la facture "
                "n° %(invoice)s.",
                amount=amount,
                number=number,
                invoice=invoice,
            ),
        ),
        _kind(
            "contract_cancelled",
            "immediate",
            lambda mission, **_p: _("Contrat annulé : « %(mission)s »", mission=mission),
            lambda by, **_p: _("%(by)s a annulé le contrat.", by=by),
        ),
        _kind(
            "dispute_opened",
            "immediate",
            lambda mission, **_p: _("Litige ouvert : « %(mission)s »", mission=mission),
            lambda by, **_p: _(
                "%(by)s a ouvert un litige ; les fonds restent bloqués jusqu'à la décision.",
                by=by,
            ),
        ),
        _kind(
            "dispute_resolved",
            "immediate",
            lambda mission, **_p: _("Litige résolu : « %(mission)s »", mission=mission),
            lambda **_p: _("L'équipe a réparti les fonds : voyez le détail sur le contrat."),
        ),
        _kind(
            "review_received",
            "daily",
            lambda author, **_p: _("%(author)s vous a laissé un avis", author=author),
            lambda mission, **_p: _("À propos de « %(mission)s ».", mission=mission),
        ),
        _kind(
            "timesheet_submitted",
            "immediate",
            lambda mission, **_p: _("Heures à valider : « %(mission)s »", mission=mission),
            lambda **_p: _("Une période de travail attend votre validation."),
        ),
        _kind(
            "timesheet_approved",
            "immediate",
            lambda mission, **_p: _("Heures validées : « %(mission)s »", mission=mission),
            lambda **_p: _("Le client a validé la période."),
        ),
        _kind(
            "period_funded",
            "immediate",
            lambda mission, **_p: _(
                "Période payée en séquestre : « %(mission)s »", mission=mission
            ),
            lambda **_p: _("La prochaine période est financée."),
        ),
        _kind(
            "period_to_fund",
            "immediate",
            lambda mission, **_p: _("Période à payer : « %(mission)s »", mission=mission),
            lambda starts_on, **_p: _(
                "La période qui commence le %(date)s attend son paiement en séquestre.",
                date=starts_on,
            ),
        ),
        _kind(
            "period_payment_failed",
            "immediate",
            lambda mission, **_p: _(
                "Paiement refusé, contrat suspendu : « %(mission)s »", mission=mission
            ),
            lambda message="", **_p: _(
                "Le paiement de la prochaine période a échoué (%(message)s). Payez-la pour "
                "reprendre : les heures déjà validées ne sont pas touchées.",
                message=message,
            ),
        ),
        _kind(
            "timesheet_auto_approve_soon",
            "immediate",
            lambda mission, **_p: _(
                "Relevé d'heures validé demain sans réponse : « %(mission)s »", mission=mission
            ),
            lambda date_on="", **_p: _(
                "Sans validation ni contestation, le relevé sera validé le %(date)s.",
                date=date_on,
            ),
        ),
        _kind(
            "urgent_request",
            "immediate",
            lambda mission, **_p: _("Demande urgente : « %(mission)s »", mission=mission),
            lambda title="", **_p: _("« %(title)s » : acceptez-la ou déclinez-la.", title=title),
        ),
        _kind(
            "urgent_request_answered",
            "immediate",
            lambda mission, **_p: _(
                "Réponse à votre demande urgente : « %(mission)s »", mission=mission
            ),
            lambda title="", answer="", **_p: _(
                "« %(title)s » : %(answer)s.", title=title, answer=answer
            ),
        ),
        _kind(
            "engagement_ending",
            "immediate",
            lambda mission, **_p: _("Fin de la collaboration : « %(mission)s »", mission=mission),
            lambda **_p: _("Le contrat se termine à la fin du préavis."),
        ),
        _kind(
            "document_requested",
            "immediate",
            lambda document=None, **_p: (
                _("Attestation de vigilance URSSAF demandée")
                if document == "vigilance"
                else _("Vos informations fiscales sont à compléter")
                if document == "dac7"
                else _("Un document vous est demandé")
            ),
            _document_requested_body,
        ),
        _kind(
            "tax_statement_ready",
            "immediate",
            lambda year="", **_p: _("Votre récapitulatif annuel %(year)s", year=year),
            lambda year="", **_p: _(
                "Le récapitulatif des sommes que la plateforme vous a versées en %(year)s "
                "(par trimestre, commissions et nombre d'opérations) est disponible dans vos "
                "informations fiscales.",
                year=year,
            ),
        ),
        _kind(
            "saved_search_match",
            "daily",
            lambda **_p: _("Du nouveau pour votre recherche enregistrée"),
            lambda name="", **_p: (
                _("« %(name)s » correspond à vos critères.", name=name)
                if name
                else _("Un nouveau résultat correspond à vos critères.")
            ),
        ),
    )
}


# What the settings page calls each kind.
LABELS = {
    "invitation_received": _l("Invitations à proposer un devis"),
    "message_received": _l("Messages reçus"),
    "bid_received": _l("Devis reçus"),
    "bid_accepted": _l("Devis acceptés"),
    "bid_declined": _l("Devis non retenus"),
    "contract_funded": _l("Paiements en séquestre"),
    "contract_delivered": _l("Travail livré à valider"),
    "auto_release_soon": _l("Versement automatique dans deux jours"),
    "contract_released": _l("Fonds versés"),
    "refund_issued": _l("Remboursements et avoirs"),
    "contract_cancelled": _l("Contrats annulés"),
    "dispute_opened": _l("Litiges ouverts"),
    "dispute_resolved": _l("Litiges résolus"),
    "review_received": _l("Avis reçus"),
    "timesheet_submitted": _l("Heures à valider"),
    "timesheet_approved": _l("Heures validées"),
    "period_funded": _l("Périodes payées"),
    "period_to_fund": _l("Périodes à payer"),
    "period_payment_failed": _l("Paiements de période refusés"),
    "timesheet_auto_approve_soon": _l("Validation automatique des heures"),
    "urgent_request": _l("Demandes urgentes"),
    "urgent_request_answered": _l("Réponses aux demandes urgentes"),
    "engagement_ending": _l("Fin de collaboration"),
    "document_requested": _l("Documents demandés"),
    "tax_statement_ready": _l("Récapitulatif fiscal annuel"),
    "saved_search_match": _l("Recherches enregistrées"),
}
