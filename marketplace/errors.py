"""Domain errors, and their mapping to HTTP in one place.

Services raise these; the API turns them into one JSON error format and the
web pages into a flash message or an error page. Each refused workflow
transition has its own named subclass of Conflict (HTTP 409, see `marketplace.workflow`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    status_code = 400
    code = "error"
    default_message = _l("La demande ne peut pas être traitée.")

    def __init__(self, message: str | None = None) -> None:
        self.message = str(message) if message is not None else str(self.default_message)
        super().__init__(self.message)


class Unauthorized(DomainError):
    status_code = 401
    code = "unauthorized"
    default_message = _l("Identifiants absents ou invalides.")


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"
    default_message = _l("Votre rôle ne permet pas cette action.")


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
    default_message = _l("Introuvable.")


class Conflict(DomainError):
    """The action does not fit the current state of the resource."""

    status_code = 409
    code = "conflict"
    default_message = _l("Cette action n'est pas possible dans l'état actuel.")


class FieldErrors(DomainError):
    """Invalid input; `errors` maps each failing field to its messages, found in `location`
    (`json` for a body, `files` for a multipart upload), as webargs reports its own."""

    status_code = 422
    code = "invalid_input"

    def __init__(
        self, errors: Mapping[str, Sequence[str] | str], *, location: str = "json"
    ) -> None:
        self.location = location
        self.errors = {
            k: [v] if isinstance(v, str) else [str(m) for m in v] for k, v in errors.items()
        }
        names = ", ".join(sorted(self.errors))
        super().__init__(str(_l("Données invalides : %(fields)s.", fields=names)))


def field_error(field: str, message: str, *, location: str = "json") -> FieldErrors:
    return FieldErrors({field: [message]}, location=location)
