"""Sending e-mail: a port (:class:`Mailer`) and its SMTP implementation.

Services that write to members (invitations, reminders, receipts) take a :class:`Mailer`; the
web app builds one from its settings. :class:`SmtpMailer` speaks SMTP with the standard library
(STARTTLS and login when configured); :class:`Outbox` keeps messages in memory where no server is
set up (the demo, and unit tests that only read what would have been sent).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
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

    def send_all(self, messages: Sequence[Message]) -> list[MailError | None]:
        """Hand over each message (a mailing: few connections); per message, None or why not."""


@dataclass
class Outbox:
    """A mailer that keeps what it is given (nothing leaves the machine)."""

    messages: list[Message] = field(default_factory=list)

    def send(self, message: Message) -> None:
        self.messages.append(message)

    def send_all(self, messages: Sequence[Message]) -> list[MailError | None]:
        self.messages.extend(messages)
        return [None] * len(messages)


@dataclass(frozen=True)
class SmtpMailer:
    """Send through an SMTP server: ``starttls`` upgrades the connection before ``user`` logs in;
    a mailing goes ``per_connection`` messages to a connection."""

    host: str
    port: int
    sender: str
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = 10.0
    per_connection: int = 100  # messages on one connection before a new one (servers limit it)

    def send(self, message: Message) -> None:
        found = self.send_all([message])[0]
        if found is not None:
            raise found

    def send_all(self, messages: Sequence[Message]) -> list[MailError | None]:
        outcomes: list[MailError | None] = []
        for start in range(0, len(messages), self.per_connection):
            outcomes += self._send_batch(messages[start : start + self.per_connection])
        return outcomes

    def _send_batch(self, batch: Sequence[Message]) -> list[MailError | None]:
        outcomes: list[MailError | None] = []
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password or "")
                for message in batch:
                    outcomes.append(self._deliver(smtp, message))
        except (OSError, smtplib.SMTPException) as exc:  # the connection itself failed
            outcomes += [self._error(m, exc) for m in batch[len(outcomes) :]]
        return outcomes

    def _deliver(self, smtp: smtplib.SMTP, message: Message) -> MailError | None:
        try:
            smtp.send_message(self._email(message))
        except MailError as exc:
            return exc
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
            return self._error(message, exc)
        return None

    def _error(self, message: Message, exc: Exception) -> MailError:
        return MailError(
            f"could not send {message.subject!r} to {message.to} through "
            f"{self.host}:{self.port}: {exc}"
        )

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
