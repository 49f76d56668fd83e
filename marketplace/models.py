"""Imports every domain's models so SQLAlchemy and Alembic see the whole schema."""

from marketplace.accounts.models import ApiToken, User, WebSession
from marketplace.bids.models import Bid
from marketplace.contracts.models import Contract, ContractEvent
from marketplace.idempotency import IdempotencyKey
from marketplace.missions.models import Invitation, Mission, NdaAcceptance
from marketplace.moderation.models import ModerationAction
from marketplace.payments.models import LedgerEntry
from marketplace.profiles.models import BusinessProfile, SecretaryProfile
from marketplace.reviews.models import Review

__all__ = [
    "ApiToken",
    "Bid",
    "BusinessProfile",
    "Contract",
    "ContractEvent",
    "IdempotencyKey",
    "Invitation",
    "LedgerEntry",
    "Mission",
    "ModerationAction",
    "NdaAcceptance",
    "Review",
    "SecretaryProfile",
    "User",
    "WebSession",
]
