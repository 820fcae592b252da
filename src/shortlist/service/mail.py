"""Sending e-mail: a port (:class:`Mailer`) and its SMTP implementation.

Services that write to members (invitations, reminders, receipts) take a :class:`Mailer`; the
web app builds one from its settings. :class:`SmtpMailer` speaks SMTP with the standard library
(STARTTLS and login when configured); :class:`Outbox` keeps messages in memory where no server is
set up (the demo, and unit tests that only read what would have been sent).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

from shortlist.errors import ShortlistError


class MailError(ShortlistError):
    """A message could not be handed to the mail server (it was not sent)."""


@dataclass(frozen=True)
class Message:
    """One plain-text e-mail to one person."""

    to: str
    subject: str
    text: str


class Mailer(Protocol):
    def send(self, message: Message) -> None:
        """Hand ``message`` over for delivery; :class:`MailError` if that fails."""


@dataclass
class Outbox:
    """A mailer that keeps what it is given (nothing leaves the machine)."""

    messages: list[Message] = field(default_factory=list)

    def send(self, message: Message) -> None:
        self.messages.append(message)


@dataclass(frozen=True)
class SmtpMailer:
    """Send through an SMTP server: ``starttls`` upgrades the connection before ``user`` logs in."""

    host: str
    port: int
    sender: str
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = 10.0

    def send(self, message: Message) -> None:
        email = self._email(message)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(email)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(
                f"could not send {message.subject!r} to {message.to} through "
                f"{self.host}:{self.port}: {exc}"
            ) from exc

    def _email(self, message: Message) -> EmailMessage:
        if not message.to or "@" not in message.to:
            raise MailError(f"no usable e-mail address {message.to!r} for {message.subject!r}")
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        email.set_content(message.text)
        return email
