"""One convention for every workflow: a status enum, a transition table, a claim, a refusal.

A workflow (missions, bids, contracts today; periods, timesheets and milestones next)
is declared once as a `Workflow`: the model and its status column, the table
`{action: {from status: to status}}`, the words for each status, and the name of
the thing in a sentence ("le contrat"). Everything that moves a row along it goes
through `Workflow.claim`:

    CONTRACT.claim(contract, "deliver", delivered_at=utcnow())

which runs a conditional `UPDATE ... SET status = :to WHERE id = :id AND status =
:from` in the current transaction. On PostgreSQL a concurrent request blocks on the
row lock, then finds the status changed and updates 0 rows: it is refused instead of
acting twice. The caller commits (or rolls back) with the rest of its work.

Refusals are named (`errors.Conflict` subclasses, all HTTP 409, mapped in one place
in `marketplace.http`):
- `InvalidTransition`: the action does not fit the current status (approve before
  delivery, bid on a closed mission);
- `ConcurrentTransition`: it did fit when the request read the row, but another
  request moved it first (two accepts on one mission, a double click);
- domain refusals (`AlreadyApproved`, `AlreadyBid`, ...) live with their services.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.transactions import execute_update

Status = TypeVar("Status", bound=enum.Enum)

# What users read for each workflow action named in a refusal.
ACTION_LABELS = {
    "fund": _l("payer"),
    "deliver": _l("marquer comme livré"),
    "approve": _l("valider le travail"),
    "auto_release": _l("verser automatiquement"),
    "release": _l("verser les fonds"),
    "bank_dispute": _l("geler pour contestation bancaire"),
    "cancel": _l("annuler"),
    "dispute": _l("ouvrir un litige"),
    "resolve": _l("résoudre le litige"),
    "review": _l("laisser un avis"),
    "accept": _l("accepter le devis"),
    "decline": _l("décliner le devis"),
    "withdraw": _l("retirer le devis"),
    "bid": _l("proposer un devis"),
    "update": _l("modifier"),
    "hire": _l("attribuer"),
    "close": _l("fermer"),
    "invite": _l("inviter"),
    # Regular work.
    "log_time": _l("saisir des heures"),
    "submit": _l("envoyer le relevé d'heures"),
    "auto_approve": _l("valider automatiquement"),
    "activate": _l("reprendre"),
    "pause": _l("suspendre"),
    "give_notice": _l("mettre fin au contrat"),
    "end": _l("terminer le contrat"),
    "cancel_regular": _l("annuler"),
    "accept_urgent": _l("accepter la demande urgente"),
    "decline_urgent": _l("décliner la demande urgente"),
    "expire": _l("laisser expirer"),
}


class InvalidTransition(Conflict):
    """The action does not fit the status the resource is in."""

    code = "invalid_transition"

    def __init__(self, entity: str, action: str, status: str) -> None:
        self.entity, self.action, self.status = entity, action, status
        super().__init__(
            str(
                _l(
                    "Action impossible : %(action)s alors que %(entity)s "
                    "est au statut « %(status)s ».",
                    action=ACTION_LABELS.get(action, action),
                    entity=entity,
                    status=status,
                )
            )
        )


class ConcurrentTransition(InvalidTransition):
    """The action fitted when the request began, but another request moved the row first."""

    code = "concurrent_transition"


@dataclass(frozen=True)
class Workflow(Generic[Status]):
    model: Any  # the mapped class, with `id` and `status` columns
    entity: Any  # "le contrat", a lazy string used in refusals
    transitions: Mapping[str, Mapping[Status, Status]]
    labels: Mapping[Status, Any]  # the words users read for each status
    # Columns stamped with the time a status is entered ({status: "funded_at"}).
    stamps: Mapping[Status, str] = field(default_factory=dict)

    def label(self, status: Status) -> str:
        return str(self.labels[status])

    def allows(self, action: str, status: Status) -> bool:
        return status in self.transitions[action]

    def target(self, action: str, status: Status) -> Status:
        """Where `action` leads from `status`; InvalidTransition if it does not fit."""
        target = self.transitions[action].get(status)
        if target is None:
            raise self.refusal(action, status)
        return target

    def refusal(self, action: str, status: Status) -> InvalidTransition:
        return InvalidTransition(str(self.entity), action, self.label(status))

    def claim(
        self,
        row: Any,
        action: str,
        *,
        where: tuple[sa.ColumnElement[bool], ...] = (),
        now: Any = None,
        **values: Any,
    ) -> Status:
        """Move `row` along `action` with a conditional UPDATE; returns the status it left.

        `where` adds conditions to the claim (e.g. "not approved yet"); `values` are set
        with the status. Refused with InvalidTransition when the action does not fit the
        status read, ConcurrentTransition when another request moved the row first (the
        session is then rolled back and `row` refreshed, so the refusal names the status
        it is really in). The caller commits.
        """
        current: Status = row.status
        target = self.target(action, current)
        stamp = self.stamps.get(target)
        if stamp is not None and now is not None and target != current:
            values.setdefault(stamp, now)
        moved = self.claim_by_id(row.id, current, target, where=where, **values)
        if not moved:
            db.session.rollback()
            db.session.refresh(row)
            raise ConcurrentTransition(str(self.entity), action, self.label(row.status))
        return current

    def claim_by_id(
        self,
        row_id: uuid.UUID,
        current: Status,
        target: Status,
        *,
        where: tuple[sa.ColumnElement[bool], ...] = (),
        **values: Any,
    ) -> bool:
        """The conditional UPDATE alone: True if this request moved the row."""
        model = self.model
        statement = (
            sa.update(model)
            .where(model.id == row_id, model.status == current, *where)
            .values(status=target, **values)
        )
        return execute_update(statement) == 1

    def claim_all(
        self,
        action: str,
        *where: sa.ColumnElement[bool],
        **values: Any,
    ) -> int:
        """Move every row matching `where` from any status `action` fits; returns how many."""
        model = self.model
        moved = 0
        for current, target in self.transitions[action].items():
            moved += execute_update(
                sa.update(model)
                .where(model.status == current, *where)
                .values(status=target, **values)
            )
        return moved
