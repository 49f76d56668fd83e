"""The words pages use for statuses, actions and money movements.

Which actions a user may take, and what a contract waits for, come from the services
(`contracts.view`); this module only says names and events in words.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import Role
from marketplace.badges import services as badge_services
from marketplace.bids.models import BID
from marketplace.contracts.models import CONTRACT, PERIOD
from marketplace.missions.models import MISSION, Pricing
from marketplace.moderation.models import ModerationKind
from marketplace.payments.models import Account, LedgerKind

ROLE = {
    Role.BUSINESS: _l("Entreprise"),
    Role.SECRETARY: _l("Secrétaire"),
    Role.OPERATOR: _l("Opérateur"),
}
MODERATION_KIND = {
    ModerationKind.SUSPEND_ACCOUNT: _l("Compte suspendu"),
    ModerationKind.RESTORE_ACCOUNT: _l("Compte rétabli"),
    ModerationKind.CLOSE_MISSION: _l("Mission fermée"),
}
# Status words are the workflows' own (one place: each domain's transition table).
MISSION_STATUS = MISSION.labels
BID_STATUS = BID.labels
CONTRACT_STATUS = CONTRACT.labels
PERIOD_STATUS = PERIOD.labels

PRICING = {
    Pricing.FIXED: _l("Forfait"),
    Pricing.HOURLY: _l("À l'heure"),
}

EVENT_ACTION = {
    "accept_bid": _l("Devis accepté, contrat créé"),
    "fund": _l("Paiement reçu et placé en séquestre"),
    "deliver": _l("Travail marqué comme livré"),
    "approve": _l("Livraison validée, fonds versés"),
    "auto_release": _l("Fonds versés automatiquement (délai de validation écoulé)"),
    "release": _l("Fonds versés à la secrétaire"),
    "bank_dispute": _l("Paiement contesté auprès de la banque"),
    # Notes from the payments domain (status unchanged; the operator reads them).
    "approve_waiting_payout": _l("Livraison validée, versement en attente du compte de versement"),
    "payment_mismatch": _l("Paiement reçu d'un montant inattendu (à vérifier)"),
    "stray_payment_refunded": _l("Paiement en trop remboursé automatiquement"),
    "refund_mismatch": _l("Remboursement constaté chez Stripe (à rapprocher)"),
    "transfer_reversed": _l("Virement à la secrétaire annulé chez Stripe"),
    "cancel": _l("Contrat annulé"),
    "dispute": _l("Litige ouvert"),
    "resolve": _l("Litige résolu par l'équipe"),
    # Regular work.
    "period_funded": _l("Période payée et placée en séquestre"),
    "period_submitted": _l("Relevé d'heures envoyé"),
    "period_approved": _l("Relevé d'heures validé, heures versées"),
    "period_disputed": _l("Relevé d'heures contesté"),
    "period_resolved": _l("Litige sur une période résolu par l'équipe"),
    "pause": _l("Contrat suspendu : paiement d'une période refusé"),
    "end": _l("Fin du contrat annoncée (préavis)"),
    "ended": _l("Contrat terminé"),
    # Milestones (the note names the milestone).
    "milestone_funded": _l("Jalon payé et placé en séquestre"),
    "milestone_delivered": _l("Jalon marqué comme livré"),
    "milestone_approve": _l("Jalon validé, fonds versés"),
    "milestone_auto_release": _l("Jalon versé automatiquement (délai de validation écoulé)"),
    "milestones_completed": _l("Tous les jalons sont versés"),
}

URGENT_STATUS = {
    "pending": _l("En attente de réponse"),
    "accepted": _l("Acceptée"),
    "declined": _l("Déclinée"),
    "expired": _l("Expirée sans réponse"),
}

RATE_KIND = {
    "normal": _l("Normales"),
    "urgent": _l("Urgentes"),
    "evening": _l("Soir"),
    "weekend": _l("Week-end"),
}

LEDGER_KIND = {
    LedgerKind.FUNDING: _l("Paiement en séquestre"),
    LedgerKind.RELEASE: _l("Versement à la secrétaire"),
    LedgerKind.REFUND: _l("Remboursement du client"),
    LedgerKind.RESOLUTION: _l("Répartition après litige"),
    LedgerKind.CREDIT: _l("Remboursement après versement (avoir)"),
}

ACCOUNT = {
    Account.BUSINESS: _l("Client"),
    Account.ESCROW: _l("Séquestre"),
    Account.SECRETARY: _l("Secrétaire"),
    Account.PLATFORM: _l("Commission de la plateforme"),
}

ACTION_BUTTON = {
    "fund": _l("Payer en séquestre"),
    "deliver": _l("Marquer comme livré"),
    "approve": _l("Valider la livraison"),
    "cancel": _l("Annuler le contrat"),
    "dispute": _l("Ouvrir un litige"),
    "review": _l("Laisser un avis"),
    "resolve": _l("Arbitrer le litige"),
}


# Badges of a secretary: what each says was checked (`badges.services`).
BADGE = badge_services.LABELS
BADGE_MEANING = badge_services.MEANINGS
