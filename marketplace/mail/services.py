"""The two mailers, chosen at start-up: SMTP when `SMTP_URL` is set, `.eml` files otherwise.

Both build the same MIME message (`build_message`: text and HTML alternatives, From
`MAIL_FROM` with the site's name, a Message-ID, Content-Language, Auto-Submitted) with the
standard library's `email` package, and log the recipient and the subject only: never the
body, which may hold a link that signs someone in.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import uuid
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path

from marketplace.config import Settings, SmtpSettings
from marketplace.mail.interfaces import Email, Mailer

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 15


def sender_address(mail_from: str, site_name: str) -> str:
    """MAIL_FROM as given when it has a display name, else with the site's name."""
    name, address = parseaddr(mail_from)
    return mail_from if name else formataddr((site_name, address))


HEADER_POLICY = policy.default.clone(max_line_length=998)


def build_message(email: Email, sender: str) -> EmailMessage:
    # policy.default (a header with a line break raises ValueError), with RFC 5322's line
    # limit: a header holding one long token (the List-Unsubscribe URL) is then written as
    # is instead of as RFC 2047 encoded words, which mail clients do not read as a URL.
    message = EmailMessage(policy=HEADER_POLICY)
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    domain = parseaddr(sender)[1].partition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    for name, value in email.headers.items():
        message[name] = value
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    # After the parts: set_content() drops every Content-* header set before it.
    message["Content-Language"] = email.language
    return message


class SmtpMailer:
    """Sends through an SMTP server: smtps:// (TLS), smtp:// with ?starttls=1, or plain."""

    def __init__(self, smtp: SmtpSettings, sender: str) -> None:
        self.smtp = smtp
        self.sender = sender

    def send(self, email: Email) -> None:
        message = build_message(email, self.sender)
        context = ssl.create_default_context()
        connection: smtplib.SMTP
        if self.smtp.ssl:
            connection = smtplib.SMTP_SSL(
                self.smtp.host, self.smtp.port, timeout=SMTP_TIMEOUT_SECONDS, context=context
            )
        else:
            connection = smtplib.SMTP(self.smtp.host, self.smtp.port, timeout=SMTP_TIMEOUT_SECONDS)
        with connection:
            if self.smtp.starttls:
                connection.starttls(context=context)
            if self.smtp.username:
                connection.login(self.smtp.username, self.smtp.password or "")
            connection.send_message(message)
        log.info("mail sent by SMTP to %s: %s", email.to, email.subject)


class FileMailer:
    """Writes each message as an .eml file (development, small installs without SMTP)."""

    def __init__(self, directory: Path, sender: str) -> None:
        self.directory = directory
        self.sender = sender

    def send(self, email: Email) -> None:
        message = build_message(email, self.sender)
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        path = self.directory / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(message.as_bytes())
        log.info("mail to %s written to %s: %s", email.to, path.name, email.subject)


def build_mailer(settings: Settings, instance_path: Path, site_name: str) -> Mailer:
    sender = sender_address(settings.mail_from, site_name)
    if settings.smtp is not None:
        return SmtpMailer(settings.smtp, sender)
    return FileMailer(instance_path / "mail", sender)
