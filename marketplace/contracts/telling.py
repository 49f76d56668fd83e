"""Telling the parties about a contract and keeping its audit trail: written once for the
one-off workflow (`services`), the periods of regular work, milestones and urgent requests."""

from __future__ import annotations

import enum
import uuid
from typing import Any

from marketplace.accounts.models import User
from marketplace.contracts.models import Contract, ContractEvent
from marketplace.extensions import db
from marketplace.notifications.services import notify
from marketplace.urls import path_for


def tell(contract: Contract, user_id: uuid.UUID, kind: str, key: str, **params: Any) -> None:
    """Notify one party about this contract, once per `kind` and `key` (the current
    transaction's caller commits)."""
    notify(
        user_id,
        kind,
        subject=("contract", contract.id),
        url=path_for("web.contract_detail", contract_id=contract.id),
        params={"mission": contract.mission.title, **params},
        dedupe_key=f"{kind}:{key}",
    )


def record_event(
    contract: Contract,
    action: str,
    actor: User | None,
    note: str = "",
    frm: enum.Enum | str | None = None,
) -> None:
    """An audit event: who did `action`, from which status to the contract's current one."""
    db.session.add(
        ContractEvent(
            contract_id=contract.id,
            actor_id=actor.id if actor else None,
            action=action,
            from_status=frm.value if isinstance(frm, enum.Enum) else frm,
            to_status=contract.status.value,
            note=note,
        )
    )
    db.session.flush()
