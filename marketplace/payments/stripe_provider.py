"""The Stripe provider: Stripe Connect with separate charges and transfers.

- Funding: a PaymentIntent on the platform account for the contract amount,
  with `transfer_group=contract_<id>` and metadata naming the contract, plus a
  Checkout Session (Stripe's hosted page, what the web pages use) carrying the
  same `transfer_group` and metadata. The money stays on the platform balance;
  the contract becomes `funded` when the `payment_intent.succeeded` webhook
  arrives, whichever of the two was paid.
- Release: a Transfer of the payout to the secretary's Express account, tied to
  the funding charge with `source_transaction` (so it never waits for the
  platform's available balance) and to the contract with `transfer_group`.
- Cancellation: a Refund on the PaymentIntent. Dispute resolution: a partial
  Transfer and a partial Refund (the platform keeps its commission on the
  released part).

Every mutating call carries an idempotency key from `idempotency_key(contract,
action)`. Stripe forgets keys after 24 hours, so before a transfer or a refund
we also look for one already made for the same contract and purpose (metadata
`purpose`): a retry days after a crash still never pays twice.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from typing import Any, Literal

import stripe
from flask import has_request_context
from werkzeug.routing import BuildError

from marketplace.config import Settings
from marketplace.payments.interfaces import (
    ContractRef,
    FundingStart,
    PaymentError,
    PayoutOwner,
    PayoutStatus,
    ProviderRecord,
    idempotency_key,
)
from marketplace.urls import external_url

log = logging.getLogger(__name__)

CURRENCY = "eur"

UNAVAILABLE = (
    "Le service de paiement (Stripe) est momentanément injoignable. Rien n'a été débité "
    "ni versé : réessayez dans quelques minutes."
)


def _contract_page_urls(contract_id: uuid.UUID) -> tuple[str | None, str | None]:
    """Checkout's return pages when the caller gave none: the contract's web page."""
    if not has_request_context():
        return None, None
    try:
        return (
            external_url("web.contract_detail", contract_id=contract_id, paiement="reussi"),
            external_url("web.contract_detail", contract_id=contract_id, paiement="annule"),
        )
    except BuildError:
        return None, None


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def _part(contract: ContractRef) -> str | None:
    return str(contract.part_id) if contract.part_id is not None else None


def transfer_group(contract_id: uuid.UUID) -> str:
    return f"contract_{contract_id}"


class StripeProvider:
    name = "stripe"
    payouts_enabled_by_default = False

    def __init__(self, settings: Settings, *, max_network_retries: int = 2) -> None:
        if not settings.stripe_secret_key or not settings.stripe_webhook_secret:
            raise ValueError("the Stripe provider needs a secret key and a webhook secret")
        self._webhook_secret = settings.stripe_webhook_secret
        base_addresses: dict[str, str | None] = {}
        if settings.stripe_api_base:
            base_addresses["api"] = settings.stripe_api_base
        self.client = stripe.StripeClient(
            settings.stripe_secret_key,
            base_addresses=base_addresses,  # type: ignore[arg-type]
            max_network_retries=max_network_retries,
        )

    # --- funding ------------------------------------------------------------

    def start_funding(
        self, contract: ContractRef, *, success_url: str | None, cancel_url: str | None
    ) -> FundingStart:
        metadata = self._metadata(contract, "funding")
        if not (success_url and cancel_url):
            success_url, cancel_url = _contract_page_urls(contract.id)
        with _stripe_errors(contract.id, "fund"):
            intent = self._open_payment_intent(contract, metadata)
            if intent.status in ("processing", "succeeded", "requires_capture"):
                # Already paid, the webhook is on its way: never offer to pay twice.
                return FundingStart(reference=intent.id, confirmed=False)
            checkout_url = None
            if success_url and cancel_url:
                session = self.client.v1.checkout.sessions.create(
                    params={
                        "mode": "payment",
                        "client_reference_id": str(contract.id),
                        "line_items": [
                            {
                                "quantity": 1,
                                "price_data": {
                                    "currency": CURRENCY,
                                    "unit_amount": contract.amount_cents,
                                    "product_data": {"name": contract.mission_title[:250]},
                                },
                            }
                        ],
                        "payment_intent_data": {
                            "transfer_group": transfer_group(contract.id),
                            "metadata": metadata,
                            "description": f"Mission : {contract.mission_title}"[:1000],
                        },
                        "metadata": metadata,
                        "success_url": success_url,
                        "cancel_url": cancel_url,
                        "locale": "fr",
                    },
                    options={
                        "idempotency_key": contract.key(
                            f"fund-checkout-{intent.id}-{_digest(success_url, cancel_url)}"
                        )
                    },
                )
                checkout_url = session.url
        return FundingStart(
            reference=intent.id,
            confirmed=False,
            client_secret=intent.client_secret,
            checkout_url=checkout_url,
        )

    def _open_payment_intent(self, contract: ContractRef, metadata: dict[str, str]) -> Any:
        """The contract's PaymentIntent: the one already opened, unless it was canceled."""
        key = contract.key("fund-intent")
        if contract.payment_intent_id and contract.payment_intent_id.startswith("pi_"):
            intent = self.client.v1.payment_intents.retrieve(contract.payment_intent_id)
            if intent.status != "canceled":
                return intent
            key = contract.key(f"fund-intent-after-{contract.payment_intent_id}")
        params: dict[str, Any] = {
            "amount": contract.amount_cents,
            "currency": CURRENCY,
            "automatic_payment_methods": {"enabled": True},
            "transfer_group": transfer_group(contract.id),
            "metadata": metadata,
            "description": f"Mission : {contract.mission_title}"[:1000],
        }
        if contract.part_id is not None and contract.customer_id:
            # Regular work: the method paid with now is kept for the next periods.
            params["customer"] = contract.customer_id
            params["setup_future_usage"] = "off_session"
        return self.client.v1.payment_intents.create(
            params=params,  # type: ignore[arg-type]
            options={"idempotency_key": key},
        )

    def create_customer(self, owner: PayoutOwner, contract_id: uuid.UUID) -> str:
        """The business as a Stripe Customer, so that a period's card can be kept."""
        with _stripe_errors(contract_id, "customer"):
            customer = self.client.v1.customers.create(
                params={
                    "email": owner.email,
                    "name": owner.display_name[:250],
                    "metadata": {"user_id": str(owner.user_id)},
                },
                options={"idempotency_key": f"user-{owner.user_id}-customer"},
            )
        return str(customer.id)

    def charge_saved_method(self, contract: ContractRef) -> FundingStart:
        if not (contract.customer_id and contract.payment_method_id):
            raise PaymentError(
                "Aucun moyen de paiement enregistré pour ce contrat.",
                retryable=False,
                code="no_saved_payment_method",
            )
        with _stripe_errors(contract.id, "fund-off-session"):
            intent = self.client.v1.payment_intents.create(
                params={
                    "amount": contract.amount_cents,
                    "currency": CURRENCY,
                    "customer": contract.customer_id,
                    "payment_method": contract.payment_method_id,
                    "off_session": True,
                    "confirm": True,
                    "transfer_group": transfer_group(contract.id),
                    "metadata": self._metadata(contract, "funding"),
                    "description": f"Mission : {contract.mission_title}"[:1000],
                },
                options={"idempotency_key": contract.key("fund-off-session")},
            )
        # The webhook (payment_intent.succeeded / payment_failed) records the outcome.
        return FundingStart(reference=str(intent.id), confirmed=False)

    # --- money out ----------------------------------------------------------

    def pay_out(
        self, contract: ContractRef, payout_cents: int, *, purpose: str = "release"
    ) -> str | None:
        if payout_cents <= 0:
            return None
        if not contract.payout_account_id:
            raise PaymentError(
                "La secrétaire n'a pas encore de compte de versement activé.",
                retryable=False,
                code="payouts_not_enabled",
            )
        with _stripe_errors(contract.id, f"transfer-{purpose}"):
            existing = self._existing_transfer(contract, purpose)
            if existing is not None:
                return existing
            params: dict[str, Any] = {
                "amount": payout_cents,
                "currency": CURRENCY,
                "destination": contract.payout_account_id,
                "transfer_group": transfer_group(contract.id),
                "metadata": self._metadata(contract, purpose),
                "description": f"Mission : {contract.mission_title}"[:1000],
            }
            if contract.charge_id:
                params["source_transaction"] = contract.charge_id
            transfer = self.client.v1.transfers.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": contract.key(f"transfer-{purpose}")},
            )
        return str(transfer.id)

    def _existing_transfer(self, contract: ContractRef, purpose: str) -> str | None:
        page = self.client.v1.transfers.list(
            params={"transfer_group": transfer_group(contract.id), "limit": 100}
        )
        for transfer in page.data:
            metadata = transfer.metadata.to_dict() if transfer.metadata else {}
            if (
                metadata.get("contract_id") == str(contract.id)
                and metadata.get("purpose") == purpose
                and metadata.get("part_id") == _part(contract)
            ):
                return str(transfer.id)
        return None

    def refund(
        self, contract: ContractRef, amount_cents: int, *, purpose: str = "cancel"
    ) -> str | None:
        if amount_cents <= 0:
            return None
        if not contract.payment_intent_id:
            raise PaymentError("Aucun paiement à rembourser pour ce contrat.", retryable=False)
        with _stripe_errors(contract.id, f"refund-{purpose}"):
            existing = self._existing_refund(contract, contract.payment_intent_id, purpose)
            if existing is not None:
                return existing
            try:
                refund = self.client.v1.refunds.create(
                    params={
                        "payment_intent": contract.payment_intent_id,
                        "amount": amount_cents,
                        "reason": "requested_by_customer",
                        "metadata": self._metadata(contract, purpose),
                    },
                    options={"idempotency_key": contract.key(f"refund-{purpose}")},
                )
            except stripe.InvalidRequestError as exc:
                if exc.code == "charge_already_refunded":
                    # Refunded from Stripe's dashboard already: the money is back, record it.
                    log.warning("contract %s: charge already refunded at Stripe", contract.id)
                    return f"already_refunded:{contract.payment_intent_id}"
                raise
        return str(refund.id)

    def _existing_refund(
        self, contract: ContractRef, payment_intent: str, purpose: str
    ) -> str | None:
        page = self.client.v1.refunds.list(params={"payment_intent": payment_intent, "limit": 100})
        for refund in page.data:
            metadata = refund.metadata.to_dict() if refund.metadata else {}
            if (
                metadata.get("contract_id") == str(contract.id)
                and metadata.get("purpose") == purpose
                and metadata.get("part_id") == _part(contract)
            ):
                return str(refund.id)
        return None

    def reverse_payout(
        self, contract: ContractRef, transfer_id: str, amount_cents: int, *, purpose: str
    ) -> str | None:
        """A partial (or whole) reversal of the transfer that paid her: Stripe takes it
        back from her connected account's balance. Looked up first by metadata, as the
        transfers and refunds are (idempotency keys expire after 24 hours)."""
        if amount_cents <= 0:
            return None
        with _stripe_errors(contract.id, f"reversal-{purpose}"):
            page = self.client.v1.transfers.reversals.list(transfer_id, params={"limit": 100})
            for reversal in page.data:
                metadata = reversal.metadata.to_dict() if reversal.metadata else {}
                if metadata.get("purpose") == purpose and metadata.get("part_id") == _part(
                    contract
                ):
                    return str(reversal.id)
            reversal = self.client.v1.transfers.reversals.create(
                transfer_id,
                params={"amount": amount_cents, "metadata": self._metadata(contract, purpose)},
                options={"idempotency_key": contract.key(f"reversal-{purpose}")},
            )
        return str(reversal.id)

    def refund_stray_payment(
        self, contract_id: uuid.UUID, payment_reference: str, amount_cents: int
    ) -> str | None:
        with _stripe_errors(contract_id, "refund-stray"):
            refund = self.client.v1.refunds.create(
                params={
                    "payment_intent": payment_reference,
                    "amount": amount_cents,
                    "reason": "duplicate",
                    "metadata": {"contract_id": str(contract_id), "purpose": "stray_payment"},
                },
                options={
                    "idempotency_key": idempotency_key(
                        contract_id, f"refund-stray-{payment_reference}"
                    )
                },
            )
        return str(refund.id)

    # --- payout accounts ----------------------------------------------------

    def create_payout_account(self, owner: PayoutOwner) -> str:
        with _stripe_errors(owner.user_id, "account"):
            account = self.client.v1.accounts.create(
                params={
                    "type": "express",
                    "country": "FR",
                    "email": owner.email,
                    "business_type": "individual",
                    "capabilities": {"transfers": {"requested": True}},
                    "metadata": {"user_id": str(owner.user_id)},
                },
                options={"idempotency_key": f"user-{owner.user_id}-payout-account"},
            )
        return str(account.id)

    def onboarding_url(self, account_id: str, *, refresh_url: str, return_url: str) -> str:
        with _stripe_errors(None, "account-link"):
            link = self.client.v1.account_links.create(
                params={
                    "account": account_id,
                    "refresh_url": refresh_url,
                    "return_url": return_url,
                    "type": "account_onboarding",
                }
            )
        return str(link.url)

    def payout_account_status(self, account_id: str) -> PayoutStatus:
        with _stripe_errors(None, "account-status"):
            account = self.client.v1.accounts.retrieve(account_id)
        return PayoutStatus(
            account_id=account_id,
            payouts_enabled=bool(account.payouts_enabled),
            details_submitted=bool(account.details_submitted),
        )

    # --- reconciliation -----------------------------------------------------

    def record_of(self, kind: str, object_id: str) -> ProviderRecord:
        """Stripe's record of a charge, payment intent, transfer or refund we keep the id of."""
        retrievers: dict[str, Callable[[str], Any]] = {
            "charge": self.client.v1.charges.retrieve,
            "payment_intent": self.client.v1.payment_intents.retrieve,
            "transfer": self.client.v1.transfers.retrieve,
            "refund": self.client.v1.refunds.retrieve,
        }
        retrieve = retrievers[kind]
        with _stripe_errors(None, f"retrieve-{kind}"):
            try:
                found: dict[str, Any] = retrieve(object_id).to_dict()
            except stripe.InvalidRequestError as exc:
                if exc.code == "resource_missing" or exc.http_status == 404:
                    return ProviderRecord(kind, object_id, found=False, error=exc.code)
                raise
        metadata = found.get("metadata") or {}
        return ProviderRecord(
            kind=kind,
            id=object_id,
            amount_cents=int(found.get("amount") or 0),
            status=found.get("status"),
            refunded_cents=int(found.get("amount_refunded") or 0),
            received_cents=int(found.get("amount_received") or 0),
            reversed_cents=int(found.get("amount_reversed") or 0),
            destination=found.get("destination"),
            contract_id=metadata.get("contract_id"),
            payment_intent=found.get("payment_intent") if kind != "payment_intent" else None,
        )

    # --- webhooks -----------------------------------------------------------

    def verify_event(self, payload: bytes, signature: str | None) -> dict[str, Any]:
        """The event as a dict if `Stripe-Signature` is valid and fresh; ValueError otherwise."""
        if not signature:
            raise ValueError("missing Stripe-Signature header")
        try:
            event = self.client.construct_event(payload, signature, self._webhook_secret)
        except stripe.SignatureVerificationError as exc:
            raise ValueError("invalid Stripe signature") from exc
        result: dict[str, Any] = event.to_dict()
        return result

    @staticmethod
    def _metadata(contract: ContractRef, purpose: str) -> dict[str, str]:
        metadata = {
            "contract_id": str(contract.id),
            "mission": contract.mission_title[:450],
            "purpose": purpose,
        }
        if contract.part_id is not None:
            metadata["part_id"] = str(contract.part_id)
        return metadata


class _stripe_errors:
    """Turn Stripe exceptions into PaymentError with a French message; log the Stripe code only."""

    def __init__(self, subject: uuid.UUID | None, action: str) -> None:
        self.subject, self.action = subject, action

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> Literal[False]:
        if exc is None or not isinstance(exc, stripe.StripeError):
            return False
        code = getattr(exc, "code", None)
        log.warning(
            "stripe %s for %s failed: %s (code=%s, request=%s)",
            self.action,
            self.subject,
            type(exc).__name__,
            code,
            getattr(exc, "request_id", None),
        )
        raise to_payment_error(exc) from exc


DECLINE_MESSAGES = {
    "insufficient_funds": "Paiement refusé : fonds insuffisants sur la carte.",
    "expired_card": "Paiement refusé : la carte a expiré.",
    "incorrect_cvc": "Paiement refusé : le code de sécurité (CVC) est incorrect.",
    "incorrect_number": "Paiement refusé : le numéro de carte est incorrect.",
    "lost_card": "Paiement refusé par la banque.",
    "stolen_card": "Paiement refusé par la banque.",
    "processing_error": "Une erreur est survenue pendant le paiement ; vous pouvez réessayer.",
    "authentication_required": (
        "Votre banque demande une authentification (3-D Secure) ; réessayez en la validant."
    ),
    "payment_intent_authentication_failure": (
        "L'authentification 3-D Secure a échoué ; réessayez ou utilisez une autre carte."
    ),
}
DECLINED = "Paiement refusé par la banque. Essayez une autre carte ou contactez votre banque."


def decline_message(code: str | None, decline_code: str | None = None) -> str:
    """The French message shown for a declined payment, from Stripe's codes (never its text)."""
    for key in (decline_code, code):
        if key and key in DECLINE_MESSAGES:
            return DECLINE_MESSAGES[key]
    return DECLINED


def to_payment_error(exc: stripe.StripeError) -> PaymentError:
    if isinstance(exc, stripe.CardError):
        return PaymentError(
            decline_message(exc.code, getattr(exc, "decline_code", None) or None),
            retryable=False,
            code="payment_declined",
        )
    if isinstance(
        exc,
        stripe.APIConnectionError
        | stripe.RateLimitError
        | stripe.AuthenticationError
        | stripe.PermissionError,
    ):
        return PaymentError(UNAVAILABLE, retryable=True)
    if isinstance(exc, stripe.IdempotencyError):
        return PaymentError(
            "Une autre opération a déjà été envoyée à Stripe pour ce contrat ; l'équipe "
            "support doit la vérifier avant toute nouvelle tentative.",
            retryable=False,
        )
    if isinstance(exc, stripe.InvalidRequestError):
        return PaymentError(
            "Stripe a refusé l'opération. Rien n'a été débité ni versé ; l'équipe support "
            "a été prévenue.",
            retryable=False,
        )
    # stripe.APIError: a 5xx at Stripe, an outage on their side.
    return PaymentError(UNAVAILABLE, retryable=True)
