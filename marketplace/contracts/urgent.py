"""Urgent requests within recurring work: the business asks, the secretary decides.

An independent secretary cannot be ordered to drop everything (that would be
subordination, the mark of employment): the business sends an urgent task with a
deadline, she accepts it (its time is then logged as urgent, at her urgent surcharge) or
declines it, and a request nobody answered expires at its deadline. How fast she usually
answers is measured from what she did (`answer_stats`) and shown on her profile.
"""

from __future__ import annotations

import statistics
import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import Role, User
from marketplace.contracts.models import (
    Contract,
    ContractKind,
    ContractStatus,
    UrgentRequest,
    UrgentStatus,
)
from marketplace.contracts.telling import tell as _tell
from marketplace.db import utcnow
from marketplace.errors import Conflict, FieldErrors, Forbidden, NotFound
from marketplace.extensions import db
from marketplace.workflow import Workflow

URGENT: Workflow[UrgentStatus] = Workflow(
    model=UrgentRequest,
    entity=_l("la demande urgente"),
    transitions={
        "accept_urgent": {UrgentStatus.PENDING: UrgentStatus.ACCEPTED},
        "decline_urgent": {UrgentStatus.PENDING: UrgentStatus.DECLINED},
        "expire": {UrgentStatus.PENDING: UrgentStatus.EXPIRED},
    },
    labels={
        UrgentStatus.PENDING: _l("En attente de réponse"),
        UrgentStatus.ACCEPTED: _l("Acceptée"),
        UrgentStatus.DECLINED: _l("Déclinée"),
        UrgentStatus.EXPIRED: _l("Expirée sans réponse"),
    },
    stamps={
        UrgentStatus.ACCEPTED: "answered_at",
        UrgentStatus.DECLINED: "answered_at",
    },
)


def send(
    contract: Contract, user: User, *, title: str, description: str, deadline: datetime
) -> UrgentRequest:
    if user.role is not Role.BUSINESS or contract.business_id != user.id:
        raise Forbidden()
    if contract.kind is not ContractKind.RECURRING or contract.status is not ContractStatus.ACTIVE:
        raise Conflict(_("Les demandes urgentes se font dans un contrat régulier en cours."))
    if deadline <= utcnow():
        raise FieldErrors({"deadline": _("L'échéance doit être dans le futur.")})
    request = UrgentRequest(
        contract_id=contract.id,
        secretary_id=contract.secretary_id,
        title=title,
        description=description,
        deadline=deadline,
    )
    db.session.add(request)
    db.session.flush()
    _tell(contract, contract.secretary_id, "urgent_request", str(request.id), title=title)
    db.session.commit()
    return request


def visible_request(user: User, request_id: uuid.UUID) -> tuple[UrgentRequest, Contract]:
    request = db.session.get(UrgentRequest, request_id)
    contract = db.session.get(Contract, request.contract_id) if request else None
    if (
        request is None
        or contract is None
        or not (contract.party_role(user.id) is not None or user.role is Role.OPERATOR)
    ):
        raise NotFound(_("Demande introuvable."))
    return request, contract


def requests_of(contract: Contract) -> list[UrgentRequest]:
    expire_due(contract.id)
    return list(
        db.session.scalars(
            sa.select(UrgentRequest)
            .where(UrgentRequest.contract_id == contract.id)
            .order_by(UrgentRequest.created_at.desc())
        )
    )


def answer(
    request: UrgentRequest, contract: Contract, user: User, *, accept: bool, reason: str = ""
) -> UrgentRequest:
    """She accepts or declines; a request past its deadline has expired (409)."""
    if contract.secretary_id != user.id:
        raise Forbidden()
    expire_due(contract.id)
    db.session.refresh(request)
    URGENT.claim(
        request,
        "accept_urgent" if accept else "decline_urgent",
        now=utcnow(),
        decline_reason=None if accept else (reason or None),
    )
    db.session.refresh(request)
    _tell(
        contract,
        contract.business_id,
        "urgent_request_answered",
        str(request.id),
        title=request.title,
        answer=_("acceptée") if accept else _("déclinée"),
    )
    db.session.commit()
    return request


def expire_due(contract_id: uuid.UUID | None = None) -> int:
    """Pending requests past their deadline expire (the caller commits or not: idempotent)."""
    where = [UrgentRequest.deadline <= utcnow()]
    if contract_id is not None:
        where.append(UrgentRequest.contract_id == contract_id)
    return URGENT.claim_all("expire", *where)


def accepted_request(contract: Contract, request_id: uuid.UUID) -> UrgentRequest:
    request = db.session.get(UrgentRequest, request_id)
    if request is None or request.contract_id != contract.id:
        raise FieldErrors({"urgent_request_id": _("Demande urgente introuvable.")})
    if request.status is not UrgentStatus.ACCEPTED:
        raise FieldErrors(
            {"urgent_request_id": _("Seule une demande urgente acceptée se facture en urgence.")}
        )
    return request


@dataclass(frozen=True)
class AnswerStats:
    answered: int
    accepted: int
    median_minutes: int | None


def answer_stats(secretary_id: uuid.UUID) -> AnswerStats:
    """How she answered urgent requests: how many, how many accepted, the median delay."""
    rows = db.session.execute(
        sa.select(UrgentRequest.status, UrgentRequest.created_at, UrgentRequest.answered_at).where(
            UrgentRequest.secretary_id == secretary_id,
            UrgentRequest.status.in_((UrgentStatus.ACCEPTED, UrgentStatus.DECLINED)),
        )
    ).all()
    delays = [
        (answered - created).total_seconds() / 60
        for _status, created, answered in rows
        if answered is not None
    ]
    accepted = sum(1 for status, *_rest in rows if status is UrgentStatus.ACCEPTED)
    median = round(statistics.median(delays)) if delays else None
    return AnswerStats(len(rows), accepted, median)
