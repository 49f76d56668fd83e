"""Conversations between a business and a secretary about a mission, their messages and files.

One conversation per mission and secretary: the questions before a quote and the work
after hiring are one thread. Read positions are per party (`business_read_at`,
`secretary_read_at`): a message is unread for a party when it is newer than her position
and she did not write it.

An attachment is uploaded first (it belongs to its uploader, `message_id` empty), then
sent with a message; from then on the parties of that conversation may download it.
Its bytes live in the storage (`marketplace.storage`) under `storage_key`, never in the
database. Every download is a row of `attachment_accesses`: the register the uploader sees.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import created_at, str_enum, uuid_pk
from marketplace.extensions import db
from marketplace.missions.models import Mission


class Conversation(db.Model):  # type: ignore[name-defined]
    __tablename__ = "conversations"

    id: Mapped[uuid.UUID] = uuid_pk()
    mission_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("missions.id", ondelete="CASCADE"), nullable=False
    )
    # The mission's owner, copied so that an inbox is one indexed query for either side.
    business_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    secretary_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    created_at: Mapped[datetime] = created_at()
    last_message_at: Mapped[datetime | None] = mapped_column(nullable=True)
    business_read_at: Mapped[datetime | None] = mapped_column(nullable=True)
    secretary_read_at: Mapped[datetime | None] = mapped_column(nullable=True)

    mission: Mapped[Mission] = relationship()
    business: Mapped[User] = relationship(foreign_keys=[business_id])
    secretary: Mapped[User] = relationship(foreign_keys=[secretary_id])

    __table_args__ = (
        sa.UniqueConstraint("mission_id", "secretary_id", name="uq_conversations_pair"),
        sa.Index("ix_conversations_business_last", "business_id", "last_message_at"),
        sa.Index("ix_conversations_secretary_last", "secretary_id", "last_message_at"),
    )

    def party_role(self, user_id: uuid.UUID) -> str | None:
        if user_id == self.business_id:
            return "business"
        if user_id == self.secretary_id:
            return "secretary"
        return None

    def other_party_id(self, user_id: uuid.UUID) -> uuid.UUID:
        return self.secretary_id if user_id == self.business_id else self.business_id


class MessageKind(enum.StrEnum):
    TEXT = "text"  # written by a party
    DELIVERY = "delivery"  # the note and files a secretary delivered a contract with


class Message(db.Model):  # type: ignore[name-defined]
    __tablename__ = "messages"

    id: Mapped[uuid.UUID] = uuid_pk()
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False
    )
    sender_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[MessageKind] = mapped_column(
        str_enum(MessageKind, 10), default=MessageKind.TEXT, nullable=False
    )
    # The delivered contract, for a delivery message.
    contract_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("contracts.id", ondelete="CASCADE"), nullable=True
    )
    # As stored: contact details written before hiring are already masked here (the
    # original is never kept, so it cannot leak later).
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    masked: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    created_at: Mapped[datetime] = created_at()

    sender: Mapped[User] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="message", order_by="Attachment.created_at"
    )

    __table_args__ = (
        sa.Index("ix_messages_conversation_created", "conversation_id", "created_at"),
        sa.CheckConstraint(
            "(kind = 'delivery') = (contract_id IS NOT NULL)", name="delivery_has_contract"
        ),
    )


class Attachment(db.Model):  # type: ignore[name-defined]
    __tablename__ = "attachments"

    id: Mapped[uuid.UUID] = uuid_pk()
    uploader_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    message_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("messages.id", ondelete="CASCADE"), index=True, nullable=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(127), nullable=False)
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(sa.String(200), unique=True, nullable=False)
    created_at: Mapped[datetime] = created_at()

    uploader: Mapped[User] = relationship()
    message: Mapped[Message | None] = relationship(back_populates="attachments")

    __table_args__ = (sa.CheckConstraint("size_bytes > 0", name="not_empty"),)


class AttachmentAccess(db.Model):  # type: ignore[name-defined]
    """One download of one file by one person: append-only."""

    __tablename__ = "attachment_accesses"

    id: Mapped[uuid.UUID] = uuid_pk()
    attachment_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("attachments.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    at: Mapped[datetime] = created_at()

    user: Mapped[User] = relationship()

    __table_args__ = (sa.Index("ix_attachment_accesses_attachment_at", "attachment_id", "at"),)
