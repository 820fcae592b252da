"""One exception tree for all of shortlist.

::

    ShortlistError                  every error shortlist raises on purpose
    ├── InputError                  bad input from outside; names where it is
    │   ├── BallotFileError         a ballot/CVR file cannot be read (file, line, field)
    │   └── RulesError              an unknown method, switch or value; an invalid rules document
    └── CountError                  a count cannot proceed (e.g. an empty election)

Errors carry a one-line message for people. Layers raise them; only the edges (the CLI,
the web app) translate them into exit codes or HTTP responses.
"""

from __future__ import annotations


class ShortlistError(Exception):
    """Base of every error shortlist raises on purpose."""

    exit_code = 1


class InputError(ShortlistError):
    """Input from outside is wrong; the message says where and what."""

    exit_code = 2


class BallotFileError(InputError):
    """A ballot or cast-vote-record file cannot be read.

    ``path``, ``line`` and ``field`` locate the problem when known.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.reason = message
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
        parts = [p for p in (where, f"field {self.field!r}" if self.field else "") if p]
        prefix = ", ".join(parts)
        return f"{prefix}: {self.reason}" if prefix else self.reason


class RulesError(InputError):
    """An unknown method or switch, a value out of range, or an invalid rules document.

    ``errors`` holds every problem found (each already a full sentence), so a document can be
    reported at once rather than one error per run.
    """

    def __init__(self, message: str, *, errors: tuple[str, ...] = ()) -> None:
        self.errors = errors or (message,)
        super().__init__(message)


class CountError(ShortlistError):
    """A count cannot be carried out with these ballots and rules."""

    exit_code = 3
