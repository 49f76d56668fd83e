"""The words pages use for statuses, actions and money movements.

Which actions a user may take comes from the services (`contracts.services.next_actions`);
this module only says them in words.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import Role, User
from marketplace.bids.models import BidStatus
from marketplace.contracts.models import Contract, ContractStatus
from marketplace.contracts.services import next_actions
from marketplace.missions.models import MissionStatus, Pricing
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
MISSION_STATUS = {
    MissionStatus.OPEN: _l("Ouverte"),
    MissionStatus.HIRED: _l("Attribuée"),
    MissionStatus.CLOSED: _l("Fermée"),
}

BID_STATUS = {
    BidStatus.PENDING: _l("En attente de réponse"),
    BidStatus.ACCEPTED: _l("Accepté"),
    BidStatus.DECLINED: _l("Non retenu"),
    BidStatus.WITHDRAWN: _l("Retiré"),
}

CONTRACT_STATUS = {
    ContractStatus.AWAITING_FUNDING: _l("En attente de paiement"),
    ContractStatus.FUNDED: _l("Payé, fonds en séquestre"),
    ContractStatus.DELIVERED: _l("Travail livré"),
    ContractStatus.RELEASED: _l("Terminé, fonds versés"),
    ContractStatus.CANCELLED: _l("Annulé"),
    ContractStatus.DISPUTED: _l("En litige"),
    ContractStatus.RESOLVED: _l("Litige résolu"),
}

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
}

LEDGER_KIND = {
    LedgerKind.FUNDING: _l("Paiement en séquestre"),
    LedgerKind.RELEASE: _l("Versement à la secrétaire"),
    LedgerKind.REFUND: _l("Remboursement du client"),
    LedgerKind.RESOLUTION: _l("Répartition après litige"),
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

_YOUR_TURN = {
    "fund": _l("À vous : payer en séquestre"),
    "deliver": _l("À vous : livrer le travail"),
    "approve": _l("À vous : valider la livraison"),
    "resolve": _l("À vous : arbitrer le litige"),
    "review": _l("À vous : laisser un avis"),
}

_WAITING = {
    ContractStatus.AWAITING_FUNDING: _l("En attente du paiement du client"),
    ContractStatus.FUNDED: _l("En attente de la livraison"),
    ContractStatus.DELIVERED: _l("En attente de la validation du client"),
    ContractStatus.DISPUTED: _l("En attente de l'arbitrage"),
    ContractStatus.RELEASED: _l("Terminé"),
    ContractStatus.RESOLVED: _l("Terminé"),
    ContractStatus.CANCELLED: _l("Annulé"),
}


@dataclass(frozen=True)
class Waiting:
    text: str
    yours: bool
    action: str | None = None


def waiting_for(contract: Contract, user: User) -> Waiting:
    """What the contract waits for, from this user's point of view."""
    actions = next_actions(contract, user)
    for action in ("fund", "deliver", "approve", "resolve", "review"):
        if action in actions:
            return Waiting(str(_YOUR_TURN[action]), True, action)
    return Waiting(str(_WAITING[contract.status]), False)
