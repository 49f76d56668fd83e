"""Secretaries' payout accounts: onboarding, status, and who can be paid.

Stripe: an Express connected account per secretary, filled in on Stripe's
hosted onboarding (Account Link); `account.updated` webhooks (and a refresh
when she comes back from onboarding) tell us when payouts are enabled.
Sandbox: every secretary can be paid unless a payout account row says
otherwise, and the local onboarding page turns the row on.

Money is never sent to a secretary whose payouts are not enabled: an approved
contract stays held (`contracts.services.approve` records the approval) and
is released by `payments release-due` once her account is enabled.

Nor to one whose e-mail address is not verified: she cannot start onboarding
(409 `email_not_verified`, as for bidding), and should a release find her
unverified anyway, the money is held the same way (see `can_receive_payouts`).

Nor to one who has not accepted the billing mandate (`mandate.py`): her invoices could
not be issued, so the money is held the same way until she accepts it.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.accounts.services import require_verified_email
from marketplace.extensions import db
from marketplace.payments import mandate
from marketplace.payments.interfaces import PaymentError, PaymentProvider, PayoutOwner
from marketplace.payments.models import PayoutAccount

WAITING_NOTE = (
    "Travail validé par le client. Le versement attend l'activation du compte de versement "
    "de la secrétaire : les fonds restent en séquestre et seront versés dès qu'il sera actif."
)
CONNECT_MESSAGE = (
    "Connectez votre compte de versement (menu « Versements ») pour recevoir les fonds : "
    "ils restent en séquestre jusque-là."
)
EMAIL_WAITING_NOTE = (
    "Travail validé par le client. Le versement attend que la secrétaire confirme son adresse "
    "e-mail : les fonds restent en séquestre et seront versés dès qu'elle l'aura fait."
)
MANDATE_WAITING_NOTE = (
    "Travail validé par le client. Le versement attend que la secrétaire accepte le mandat de "
    "facturation (ses factures sont émises en son nom par la plateforme) : les fonds restent en "
    "séquestre et seront versés dès qu'elle l'aura accepté."
)
MANDATE_MESSAGE = (
    "Acceptez le mandat de facturation (menu « Versements ») : la plateforme émet vos factures "
    "en votre nom. Sans lui, les fonds des missions validées restent en séquestre."
)
VERIFY_MESSAGE = (
    "Confirmez votre adresse e-mail pour connecter votre compte de versement et être payée : "
    "ouvrez le lien de l'e-mail reçu (vous pouvez le renvoyer depuis votre tableau de bord)."
)


def _provider() -> PaymentProvider:
    selected: PaymentProvider = current_app.extensions["payment_provider"]
    return selected


def account_for(user_id: uuid.UUID) -> PayoutAccount | None:
    return db.session.get(PayoutAccount, user_id)


def require_payouts(user_id: uuid.UUID) -> None:
    """Refuse (before any money moves) to pay a secretary whose payouts are not enabled."""
    if not _email_verified(user_id):
        raise PaymentError(
            "La secrétaire n'a pas encore confirmé son adresse e-mail : les fonds restent en "
            "séquestre jusqu'à ce qu'elle le fasse.",
            retryable=False,
            code="email_not_verified",
        )
    if not mandate.has_accepted(user_id):
        raise PaymentError(
            "La secrétaire n'a pas encore accepté le mandat de facturation : les fonds restent "
            "en séquestre jusqu'à ce qu'elle l'accepte (« Versements »).",
            retryable=False,
            code="billing_mandate_not_accepted",
        )
    if not can_receive_payouts(user_id):
        raise PaymentError(
            "La secrétaire n'a pas encore activé son compte de versement : les fonds restent "
            "en séquestre. Elle doit le connecter depuis son espace (« Versements »).",
            retryable=False,
            code="payouts_not_enabled",
        )


def can_receive_payouts(user_id: uuid.UUID) -> bool:
    """Whether money may be sent to her now: a verified address and an enabled account.

    Decision, for an unverified address: she is not paid, and the money stays held exactly
    as when her payout account is missing (the approval is recorded, nothing is
    transferred, `payments release-due` pays her once she has confirmed). Normally this
    cannot happen once she has a payout account: onboarding needs a verified address, and
    a new address only replaces the old one when the link sent to it is followed. It can
    for an account made before addresses were verified. Paying her would send escrowed
    money to an account whose owner we cannot reach; refusing the business's approval
    instead would punish the party that did its part.
    """
    return waiting_reason(user_id) is None


def waiting_reason(user_id: uuid.UUID) -> str | None:
    """What holds a payout to her, first thing first: `email_not_verified`,
    `billing_mandate_not_accepted`, `payouts_not_enabled`; None if she can be paid."""
    if not _email_verified(user_id):
        return "email_not_verified"
    if not mandate.has_accepted(user_id):
        return "billing_mandate_not_accepted"
    if not _account_enabled(user_id):
        return "payouts_not_enabled"
    return None


_WAITING_NOTES = {
    "email_not_verified": EMAIL_WAITING_NOTE,
    "billing_mandate_not_accepted": MANDATE_WAITING_NOTE,
    "payouts_not_enabled": WAITING_NOTE,
}


def note_for(reason: str | None) -> str | None:
    """The contract's note for a `waiting_reason`."""
    return _WAITING_NOTES[reason] if reason else None


def waiting_note(user_id: uuid.UUID) -> str | None:
    """Why an approved payout to her is held (the contract's note), None if she can be paid."""
    return note_for(waiting_reason(user_id))


def _email_verified(user_id: uuid.UUID) -> bool:
    user = db.session.get(User, user_id)
    return user is not None and user.email_verified_at is not None


def _account_enabled(user_id: uuid.UUID) -> bool:
    provider = _provider()
    account = account_for(user_id)
    if account is None or account.provider != provider.name:
        return provider.payouts_enabled_by_default
    return account.payouts_enabled


@dataclass(frozen=True)
class PayoutSummary:
    provider: str
    account_id: str | None
    payouts_enabled: bool
    details_submitted: bool
    # "enabled", "pending" (started, not finished), "none" (never started), or
    # "email_not_verified" (she confirms her address first: no onboarding, no payout), or
    # "billing_mandate_not_accepted" (her account may be ready; the mandate is not)
    status: str
    message: str
    # The payout account alone: "enabled", "pending", "none".
    account_status: str
    billing_mandate_accepted: bool


def summary_for(user: User) -> PayoutSummary:
    """Where her payouts stand, read once: her payout account and her mandate (two
    primary-key reads; the dashboards count their statements)."""
    provider = _provider()
    account = account_for(user.id)
    if account is not None and account.provider != provider.name:
        account = None
    accepted = mandate.has_accepted(user.id)
    account_enabled = account.payouts_enabled if account else provider.payouts_enabled_by_default
    account_status = "enabled" if account_enabled else "pending" if account else "none"
    verified = user.email_verified_at is not None
    enabled = verified and accepted and account_enabled
    if not verified:
        status, message = "email_not_verified", VERIFY_MESSAGE
    elif not accepted:
        status, message = "billing_mandate_not_accepted", MANDATE_MESSAGE
    elif enabled:
        status, message = (
            "enabled",
            "Votre compte de versement est actif : vous êtes payée à chaque mission validée.",
        )
    elif account is not None:
        status, message = (
            "pending",
            (
                "Votre compte de versement n'est pas encore activé : terminez les informations "
                "demandées. " + CONNECT_MESSAGE
            ),
        )
    else:
        status, message = "none", CONNECT_MESSAGE
    return PayoutSummary(
        provider=provider.name,
        account_id=account.account_id if account else None,
        payouts_enabled=enabled,
        details_submitted=bool(account and account.details_submitted) or account_enabled,
        status=status,
        message=message,
        account_status=account_status,
        billing_mandate_accepted=accepted,
    )


def start_onboarding(user: User, *, refresh_url: str, return_url: str) -> str:
    """The URL where the secretary connects her payout account (opened on first use);
    409 `email_not_verified` until she has confirmed her address."""
    require_verified_email(user)
    provider = _provider()
    owner = PayoutOwner(user_id=user.id, email=user.email, display_name=user.display_name)
    account = account_for(user.id)
    if provider.payouts_enabled_by_default:
        # The sandbox keeps nothing until the local page is completed.
        account_id = account.account_id if account else provider.create_payout_account(owner)
        return provider.onboarding_url(account_id, refresh_url=refresh_url, return_url=return_url)
    if account is None or account.provider != provider.name:
        account_id = provider.create_payout_account(owner)  # idempotent per user at Stripe
        if account is None:
            db.session.add(
                PayoutAccount(user_id=user.id, provider=provider.name, account_id=account_id)
            )
        else:
            account.provider, account.account_id = provider.name, account_id
            account.payouts_enabled = account.details_submitted = False
            account.status_event_created = 0
        try:
            db.session.commit()
        except IntegrityError:  # a concurrent request opened it first
            db.session.rollback()
        account = account_for(user.id)
        assert account is not None
    return provider.onboarding_url(
        account.account_id, refresh_url=refresh_url, return_url=return_url
    )


def apply_account_status(
    account_id: str, *, payouts_enabled: bool, details_submitted: bool, as_of: int
) -> bool:
    """Store the account's flags unless newer ones are already stored; True if applied.

    `as_of` is the provider's time for this state (an event's `created`), so an
    old event delivered late never overwrites a newer state. The caller commits.
    """
    account = db.session.scalar(
        sa.select(PayoutAccount).where(PayoutAccount.account_id == account_id).with_for_update()
    )
    if account is None:
        return False
    # Newest wins; between two states of the same second, "not enabled" wins (never pay on
    # a tie), so the result does not depend on the order the events arrive in.
    new = (as_of, not payouts_enabled, not details_submitted)
    stored = (
        account.status_event_created,
        not account.payouts_enabled,
        not account.details_submitted,
    )
    if new < stored:
        return False
    account.payouts_enabled = payouts_enabled
    account.details_submitted = details_submitted
    account.status_event_created = as_of
    db.session.flush()
    return True


def refresh_status(user: User) -> PayoutSummary:
    """Ask the provider for the account's state (she is back from onboarding)."""
    provider = _provider()
    account = account_for(user.id)
    if (
        account is not None
        and account.provider == provider.name
        and not (provider.payouts_enabled_by_default)
    ):
        status = provider.payout_account_status(account.account_id)
        apply_account_status(
            account.account_id,
            payouts_enabled=status.payouts_enabled,
            details_submitted=status.details_submitted,
            as_of=int(time.time()),
        )
        db.session.commit()
    return summary_for(user)


def complete_sandbox_onboarding(user_id: uuid.UUID, account_id: str) -> None:
    """The sandbox's local onboarding page was completed: payouts are on."""
    provider = _provider()
    account = account_for(user_id)
    if account is None:
        account = PayoutAccount(user_id=user_id, provider=provider.name, account_id=account_id)
        db.session.add(account)
    account.provider = provider.name
    account.account_id = account_id
    account.payouts_enabled = True
    account.details_submitted = True
    account.status_event_created = int(time.time())
    db.session.commit()
