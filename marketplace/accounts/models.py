from __future__ import annotations

import enum
import uuid
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import created_at, str_enum, uuid_pk
from marketplace.extensions import db


class Role(enum.StrEnum):
    BUSINESS = "business"
    SECRETARY = "secretary"
    OPERATOR = "operator"


class User(UserMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = uuid_pk()
    email: Mapped[str] = mapped_column(sa.String(254), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    role: Mapped[Role] = mapped_column(str_enum(Role, 16), nullable=False)
    display_name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    is_suspended: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    # Bumped at each suspension. Sessions used to be "<id>:<epoch>" cookies; they are
    # `web_sessions` rows now (revoked one by one or all at once), and this is history.
    session_epoch: Mapped[int] = mapped_column(
        sa.Integer, default=0, server_default="0", nullable=False
    )
    created_at: Mapped[datetime] = created_at()
    # When she proved she reads this address (the link of the verification e-mail).
    email_verified_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # The address she asked to sign in with instead (accounts.recovery.request_email_change):
    # it replaces `email` only when the link sent to it is followed. Not unique: nobody owns
    # an address before proving it.
    pending_email: Mapped[str | None] = mapped_column(sa.String(254), nullable=True)
    # The language her e-mails are written in: the last one she chose on the site.
    language: Mapped[str] = mapped_column(
        sa.String(2), default="fr", server_default="fr", nullable=False
    )

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all")
    # The web session this request is signed in with (set at sign-in and by the user loader;
    # not a column).
    web_session_id = None  # type: uuid.UUID | None

    @property
    def is_active(self) -> bool:  # Flask-Login: suspended users cannot sign in
        return not self.is_suspended

    def get_id(self) -> str:
        """Flask-Login: what the session cookie holds, the id of a `web_sessions` row."""
        if self.web_session_id is None:
            raise RuntimeError("sign in through accounts.services.start_web_session")
        return str(self.web_session_id)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_business(self) -> bool:
        return self.role is Role.BUSINESS

    @property
    def is_secretary(self) -> bool:
        return self.role is Role.SECRETARY

    @property
    def is_operator(self) -> bool:
        return self.role is Role.OPERATOR

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class ApiToken(db.Model):  # type: ignore[name-defined]
    """A bearer token; only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = created_at()
    last_used_at: Mapped[datetime | None] = mapped_column(nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)

    user: Mapped[User] = relationship(back_populates="tokens")


class WebSession(db.Model):  # type: ignore[name-defined]
    """A signed-in browser. The session cookie (signed by Flask) carries this row's id; the
    user loader accepts it only while `revoked_at` is empty, so signing out (this row),
    changing the password (every other row) or a suspension (all) ends it on the server,
    whatever copy of the cookie is left somewhere."""

    __tablename__ = "web_sessions"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    created_at: Mapped[datetime] = created_at()
    last_seen_at: Mapped[datetime | None] = mapped_column(nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)

    user: Mapped[User] = relationship()
