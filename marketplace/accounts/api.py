from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView

from marketplace.accounts import recovery, services
from marketplace.accounts.auth import api_user
from marketplace.accounts.models import Role, User
from marketplace.accounts.schemas import (
    AcceptedOut,
    AccountDeleteIn,
    EmailChangeIn,
    PasswordChangeIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    RegisterIn,
    RegisterOut,
    TokenIn,
    TokenOut,
    UserOut,
    VerifiedOut,
    VerifyEmailIn,
)
from marketplace.http import Blueprint
from marketplace.privacy import erasure, export

blp = Blueprint("accounts", __name__, url_prefix="/api/v1", description="Accounts and tokens")


@blp.route("/auth/register")
class Register(MethodView):
    @blp.arguments(RegisterIn)
    @blp.response(201, RegisterOut)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Sign up as a business or a secretary; answers with a first API token."""
        user, token = recovery.register(
            data["email"], data["password"], Role(data["role"]), data["display_name"]
        )
        return {"user": user, "token": token}


@blp.route("/auth/token")
class Token(MethodView):
    @blp.arguments(TokenIn)
    @blp.response(200, TokenOut)
    def post(self, data: dict[str, Any]) -> dict[str, str]:
        """Exchange e-mail and password for a new bearer token."""
        return {"token": services.issue_token(data["email"], data["password"])}

    @blp.response(204)
    def delete(self) -> None:
        """Revoke the token used for this request."""
        api_user()
        services.revoke_token(request.headers["Authorization"].partition(" ")[2].strip())


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, UserOut)
    def get(self) -> User:
        """The caller."""
        return api_user()

    @blp.arguments(AccountDeleteIn)
    @blp.response(202, AcceptedOut)
    def delete(self, data: dict[str, Any]) -> dict[str, bool]:
        """Delete the caller's account (RGPD): personal data erased, invoices, ledger,
        contracts, reviews and the conversations of contracts kept, pointing to an account
        named "Compte supprimé" (see the README, "Personal data"). Every session and token
        ends; the address may sign up again.

        A wrong `password` is a 422 naming it (and counts as a failed sign-in); 409
        `contract_under_way` while a contract of the caller awaits funding, is funded,
        delivered or disputed."""
        erasure.delete_account(api_user(), data["password"])
        return {"accepted": True}


@blp.route("/me/export")
class MyExport(MethodView):
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/zip")
    def get(self) -> Response:
        """A ZIP of everything held about the caller: `data.json` (account, profile,
        missions, quotes, contracts with their events and ledger rows, reviews,
        notifications and settings, conversations and messages, invoices) and `files/`
        (the attachments of her conversations, her invoices' PDFs). Other people appear by
        their display name only. Throttled (429 with `Retry-After`): it is expensive."""
        return export.archive_response(api_user())


@blp.route("/me/password")
class MyPassword(MethodView):
    @blp.arguments(PasswordChangeIn)
    @blp.response(204)
    def post(self, data: dict[str, Any]) -> None:
        """Change the caller's password. Every web session and every other API token of the
        caller ends; the token of this request keeps working. A wrong `current_password`
        is a 422 naming it (and counts as a failed sign-in: 429 after repeated ones)."""
        user = api_user()
        services.change_password(
            user,
            data["current_password"],
            data["new_password"],
            keep_token=request.headers["Authorization"].partition(" ")[2].strip(),
        )


@blp.route("/me/email")
class MyEmail(MethodView):
    @blp.arguments(EmailChangeIn)
    @blp.response(202, UserOut)
    def post(self, data: dict[str, Any]) -> User:
        """Ask to change the caller's sign-in address (202, the caller with `pending_email`).

        `new_email` becomes `pending_email` and is sent a link (valid 24 hours, once) whose
        token confirms it with `POST /auth/verify-email`; the current address is told of
        the request. The sign-in address changes only then, and every web session and API
        token of the account ends, but the one confirming. A newer request, or a new
        password, cancels a pending one.

        A wrong `password` is a 422 naming it (and counts as a failed sign-in); the same
        address, or another account's, is a 422 naming `new_email`; requests are throttled
        per account and per client (429 with `Retry-After`)."""
        user = api_user()
        recovery.request_email_change(user, data["password"], data["new_email"])
        return user


@blp.route("/auth/verify-email")
class VerifyEmail(MethodView):
    @blp.arguments(VerifyEmailIn)
    @blp.response(200, VerifiedOut)
    @blp.doc(security=[])
    def post(self, data: dict[str, Any]) -> dict[str, bool]:
        """Verify the address with the token of a verification e-mail.

        400 if wrong, expired, or for an address the account no longer has. The token of
        an address change (`POST /me/email`) makes the change: the new address is the
        account's, verified, and its other sessions and tokens end (a bearer token of hers
        sent with this request keeps working); 409 `email_taken` if another account took
        the address in the meantime."""
        recovery.verify_email(data["token"], changes=True, keep_token=_bearer_token())
        return {"email_verified": True}


def _bearer_token() -> str | None:
    """The raw token of the Authorization header, unchecked (only ever used to spare the
    caller's own token: the revocation is filtered on the account the link is for)."""
    scheme, _sep, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return None
    return raw.strip()


@blp.route("/auth/verify-email/resend")
class VerifyEmailResend(MethodView):
    @blp.response(202, AcceptedOut)
    def post(self) -> dict[str, bool]:
        """Send the verification e-mail again (nothing is sent once verified)."""
        recovery.resend_verification(api_user())
        return {"accepted": True}


@blp.route("/auth/password-reset")
class PasswordReset(MethodView):
    @blp.arguments(PasswordResetIn)
    @blp.response(202, AcceptedOut)
    @blp.doc(security=[])
    def post(self, data: dict[str, Any]) -> dict[str, bool]:
        """E-mail a reset link (valid one hour, once). The same answer whether the address
        has an account or not; throttled per address and per client (429)."""
        recovery.request_reset(data["email"])
        return {"accepted": True}


@blp.route("/auth/password-reset/confirm")
class PasswordResetConfirm(MethodView):
    @blp.arguments(PasswordResetConfirmIn)
    @blp.response(200, AcceptedOut)
    @blp.doc(security=[])
    def post(self, data: dict[str, Any]) -> dict[str, bool]:
        """Set a new password with the link's token (400 if used or expired; the password
        rules apply, 422 naming `password`). Every session and token of the account ends."""
        recovery.reset_password(data["token"], data["password"])
        return {"accepted": True}
