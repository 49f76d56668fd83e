"""Why an upload is refused: a stable reason code for programs, a sentence for people.

The sentences are French (the msgids of the catalogue, like every message of the site)
and lazy: `str(error.message)` speaks the language of the request that shows it, French
outside a request. The caller shows them as "file: <message>" in a 422.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

EMPTY = "empty"
TOO_LARGE = "too_large"
NOT_ACCEPTED = "not_accepted"  # a type outside the list (or one we cannot check)
EXECUTABLE = "executable"  # a program or a script
MARKUP = "markup"  # HTML, SVG, XML: code when a browser opens them
MACROS = "macros"  # docm, xlsm, pptm, Basic in an OpenDocument...
ENCRYPTED = "encrypted"  # a password hides the content from the checks
DAMAGED = "damaged"  # truncated, or not what its first bytes claim
EXTENSION_MISMATCH = "extension_mismatch"  # the name says another type than the content

REASONS = (
    EMPTY,
    TOO_LARGE,
    NOT_ACCEPTED,
    EXECUTABLE,
    MARKUP,
    MACROS,
    ENCRYPTED,
    DAMAGED,
    EXTENSION_MISMATCH,
)


class UnacceptableFile(Exception):
    """The upload is refused; `reason` is one of REASONS, `message` is for its sender."""

    def __init__(self, reason: str, message: Any) -> None:
        assert reason in REASONS, reason
        super().__init__(reason, message)
        self.reason = reason
        self.message = message  # a lazy string: str() translates it when shown

    def __str__(self) -> str:
        return str(self.message)


def empty() -> UnacceptableFile:
    return UnacceptableFile(EMPTY, _l("Le fichier est vide."))


def too_large(max_bytes: int) -> UnacceptableFile:
    mib = max_bytes / (1024 * 1024)
    if mib >= 1:
        size = f"{mib:.1f}".removesuffix(".0").replace(".", ",")
        message = _l("Le fichier dépasse la taille maximale de %(size)s Mo.", size=size)
    else:
        size = str(max(1, round(max_bytes / 1024)))
        message = _l("Le fichier dépasse la taille maximale de %(size)s ko.", size=size)
    return UnacceptableFile(TOO_LARGE, message)


def not_accepted(hint: Any = None) -> UnacceptableFile:
    return UnacceptableFile(
        NOT_ACCEPTED,
        hint
        or _l(
            "Ce type de fichier n'est pas accepté. Formats acceptés : PDF, Word, Excel, "
            "PowerPoint, OpenDocument, images PNG, JPEG, GIF ou WebP, texte et CSV."
        ),
    )


def executable() -> UnacceptableFile:
    return UnacceptableFile(
        EXECUTABLE, _l("Les programmes et les scripts ne sont pas acceptés, même renommés.")
    )


def markup() -> UnacceptableFile:
    return UnacceptableFile(
        MARKUP,
        _l(
            "Les pages HTML, les images SVG et les fichiers XML ne sont pas acceptés : "
            "ils peuvent contenir du code. Envoyez plutôt un PDF."
        ),
    )


def macros() -> UnacceptableFile:
    return UnacceptableFile(
        MACROS,
        _l(
            "Les documents avec macros (.docm, .xlsm, .pptm…) ne sont pas acceptés : une "
            "macro est un programme. Enregistrez le document sans macros (.docx, .xlsx, "
            ".pptx) et envoyez-le à nouveau."
        ),
    )


def encrypted() -> UnacceptableFile:
    return UnacceptableFile(
        ENCRYPTED,
        _l(
            "Les documents protégés par un mot de passe ne sont pas acceptés : leur contenu "
            "ne peut pas être vérifié. Retirez le mot de passe et envoyez-le à nouveau."
        ),
    )


def damaged() -> UnacceptableFile:
    return UnacceptableFile(
        DAMAGED, _l("Le fichier est endommagé ou incomplet : il ne peut pas être ouvert.")
    )


def extension_mismatch(filename: str, label: Any, suggested: str) -> UnacceptableFile:
    return UnacceptableFile(
        EXTENSION_MISMATCH,
        _l(
            "« %(name)s » est en réalité %(label)s : renommez le fichier « %(suggested)s » "
            "et envoyez-le à nouveau.",
            name=filename,
            label=label,
            suggested=suggested,
        ),
    )
