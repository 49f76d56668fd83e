"""Reviews: each party rates the other once after the contract ends.

A review stays hidden until both parties have rated (so neither answers the
other's rating) or until the review window closes (`publish_after`, the contract's
`review_deadline` copied onto the review).

Reviews sit below contracts: they work on any `Reviewable` (a contract, later a
period of a long contract) and never import the contracts domain, which decides
*when* a contract may be reviewed (`contracts.services.review`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from marketplace.accounts.models import User
from marketplace.db import utcnow
from marketplace.errors import Conflict, Forbidden
from marketplace.extensions import db
from marketplace.reviews.models import Review
from marketplace.transactions import execute_update


class Reviewable(Protocol):
    """What reviews need of the thing reviewed (a contract)."""

    id: uuid.UUID
    business_id: uuid.UUID
    secretary_id: uuid.UUID
    review_deadline: datetime | None

    def party_role(self, user_id: uuid.UUID) -> str | None: ...


class AlreadyReviewed(Conflict):
    code = "already_reviewed"


def published_clause(now: datetime) -> sa.ColumnElement[bool]:
    """Public: both parties rated, or the review window closed."""
    return sa.or_(Review.published_at.is_not(None), Review.publish_after <= now)


def can_review(contract: Reviewable, user: User, round: int = 0) -> bool:
    """The window is open and this party has not rated yet in this round (the caller
    checks the contract's status allows a review)."""
    if contract.party_role(user.id) is None:
        return False
    deadline = contract.review_deadline
    if round == 0 and deadline is not None and deadline <= utcnow():
        return False
    return (
        db.session.scalar(
            sa.select(Review.id).where(
                Review.contract_id == contract.id,
                Review.author_id == user.id,
                Review.round == round,
            )
        )
        is None
    )


def post_review(
    contract: Reviewable,
    user: User,
    rating: int,
    comment: str,
    *,
    round: int = 0,
    publish_after: datetime | None = None,
) -> Review:
    """Record one party's rating (the caller checked the contract may be reviewed). An
    interim review (`round` >= 1) is public once both rated, or after `publish_after`."""
    role = contract.party_role(user.id)
    if role is None:
        raise Forbidden()
    if round == 0 and contract.review_deadline is not None and contract.review_deadline <= utcnow():
        raise Conflict(_("La période pour laisser un avis est terminée."))
    subject = contract.secretary_id if role == "business" else contract.business_id
    review = Review(
        contract_id=contract.id,
        author_id=user.id,
        subject_id=subject,
        rating=rating,
        comment=comment.strip(),
        round=round,
        publish_after=contract.review_deadline if round == 0 else publish_after,
    )
    db.session.add(review)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyReviewed(_("Vous avez déjà laissé un avis sur ce contrat.")) from None
    both = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Review)
        .where(Review.contract_id == contract.id, Review.round == round)
    )
    if both == 2:
        db.session.execute(
            sa.update(Review)
            .where(
                Review.contract_id == contract.id,
                Review.round == round,
                Review.published_at.is_(None),
            )
            .values(published_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    db.session.refresh(review)
    return review


def published_about(subject_id: uuid.UUID) -> sa.Select[tuple[Review]]:
    """Newest first, each with its author (the profile names them: no load per review)."""
    return (
        sa.select(Review)
        .options(joinedload(Review.author))
        .where(Review.subject_id == subject_id, published_clause(utcnow()))
        .order_by(Review.created_at.desc())
    )


def reviews_on_contract(contract: Reviewable, user: User) -> list[Review]:
    """What a party sees: published reviews, plus their own even before publication."""
    query = sa.select(Review).where(
        Review.contract_id == contract.id,
        sa.or_(published_clause(utcnow()), Review.author_id == user.id),
    )
    return list(db.session.scalars(query.order_by(Review.created_at)))


def rating_summary(subject_id: uuid.UUID) -> tuple[float | None, int]:
    row = db.session.execute(
        sa.select(sa.func.avg(Review.rating), sa.func.count(Review.id)).where(
            Review.subject_id == subject_id, published_clause(utcnow())
        )
    ).one()
    avg, count = row
    return (round(float(avg), 2) if avg is not None else None), int(count)


def publish_due(now: datetime | None = None) -> int:
    """Mark as published the reviews whose window has closed; returns how many."""
    now = now or utcnow()
    result = execute_update(
        sa.update(Review)
        .where(
            Review.published_at.is_(None),
            Review.publish_after <= now,
        )
        .values(published_at=now)
    )
    db.session.commit()
    return result
