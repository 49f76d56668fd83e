"""How large a request may be where files are uploaded, and what a too-large one hears.

Every other request keeps the app's MAX_CONTENT_LENGTH (2 MiB: JSON and forms). The three
routes that take files (the API's upload, the message composer, the delivery form) allow
ATTACHMENT_MAX_MB per file, times the files they take, plus room for the form around
them; werkzeug spools the parts to temporary files, so memory does not grow with it. The
limit is set on the request before anything reads its body (the CSRF check does), so a
request that exceeds it is refused before it is read. Each file is then checked again,
one by one, by `files.inspect` against ATTACHMENT_MAX_MB.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from marketplace.errors import field_error
from marketplace.http import handle_domain_error, html_error

FORM_OVERHEAD = 1024 * 1024  # the text fields and the multipart framing around the files
MAX_FILES_PER_FORM = 10  # services.MAX_ATTACHMENTS, the composer and delivery forms
UPLOAD_ENDPOINTS = {
    "conversations.Attachments": 1,
    "web.conversation_post": MAX_FILES_PER_FORM,
    "web.contract_deliver": MAX_FILES_PER_FORM,
    "compliance.VigilanceDocuments": 1,
    "web.vigilance_upload": 1,
}


def _limit() -> None:
    files = UPLOAD_ENDPOINTS.get(request.endpoint or "")
    if files:
        per_file = current_app.config["MARKETPLACE_SETTINGS"].attachment_max_bytes
        request.max_content_length = per_file * files + FORM_OVERHEAD


def _too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
    api = request.path.startswith("/api/")
    if request.endpoint in UPLOAD_ENDPOINTS:
        megabytes = current_app.config["MARKETPLACE_SETTINGS"].attachment_max_mb
        message = _("Fichier trop volumineux : %(mb)s Mo au plus par fichier.", mb=megabytes)
        field, location = "file", "files"
    else:
        message, field, location = _("La requête est trop volumineuse."), "body", "json"
    if api:
        return handle_domain_error(field_error(field, message, location=location))
    return html_error(413, message)


def init_app(app: Flask) -> None:
    # First of the before_request functions: the CSRF check reads the form.
    app.before_request_funcs.setdefault(None, []).insert(0, _limit)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
