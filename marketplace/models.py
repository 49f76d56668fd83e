"""Imports every domain's models so SQLAlchemy and Alembic see the whole schema."""

from marketplace.accounts.models import ApiToken, User, WebSession
from marketplace.bids.models import Bid
from marketplace.compliance.models import VigilanceDocument
from marketplace.contracts.agreement_models import AgreementAcceptance, ContractAgreement
from marketplace.contracts.models import Contract, ContractEvent
from marketplace.conversations.models import Attachment, AttachmentAccess, Conversation, Message
from marketplace.dac7.models import TaxProfile
from marketplace.idempotency import IdempotencyKey
from marketplace.jobs.models import JobOutbox
from marketplace.missions.models import Invitation, Mission, NdaAcceptance, NdaDocument
from marketplace.moderation.models import ModerationAction
from marketplace.notifications.models import Notification, NotificationSetting
from marketplace.operations.models import ReconciliationFinding, ReconciliationRun
from marketplace.payments.models import BillingMandate, LedgerEntry
from marketplace.profiles.models import BusinessProfile, SecretaryProfile
from marketplace.reviews.models import Review
from marketplace.saved_searches.models import SavedSearch

__all__ = [
    "AgreementAcceptance",
    "ApiToken",
    "Attachment",
    "AttachmentAccess",
    "Bid",
    "BillingMandate",
    "BusinessProfile",
    "Contract",
    "ContractAgreement",
    "ContractEvent",
    "Conversation",
    "IdempotencyKey",
    "Invitation",
    "JobOutbox",
    "LedgerEntry",
    "Message",
    "Mission",
    "ModerationAction",
    "NdaAcceptance",
    "NdaDocument",
    "Notification",
    "NotificationSetting",
    "ReconciliationFinding",
    "ReconciliationRun",
    "Review",
    "SavedSearch",
    "SecretaryProfile",
    "TaxProfile",
    "User",
    "VigilanceDocument",
    "WebSession",
]
