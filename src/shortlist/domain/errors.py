"""The domain's errors, under :mod:`shortlist.errors`.

::

    ShortlistError
    ├── InputError
    │   ├── EditionError        an edition file or member roll is invalid (every problem at once)
    │   ├── BallotRefused       a ballot is refused (window, eligibility, slate, ranks, recusal)
    │   └── NotFound            no such edition, category, round or member
    └── LifecycleError          a step out of order (open a counted round, count an open one...)
"""

from __future__ import annotations

from dataclasses import dataclass

from shortlist.errors import InputError, ShortlistError


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a document: where (file, field path, line) and what."""

    file: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line is not None else "")
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}"


class EditionError(InputError):
    """An edition document or member roll is invalid; ``problems`` lists every problem."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        self.errors = tuple(str(p) for p in self.problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found"
        super().__init__(head + ":\n" + "\n".join(f"  - {e}" for e in self.errors))


class BallotRefused(InputError):
    """A ballot (or a request for one) is refused; nothing was recorded."""


class NotFound(InputError):
    """No such edition, category, round or member."""


class LifecycleError(ShortlistError):
    """A step taken out of order: the round is not in the state the step needs."""

    exit_code = 4


class Conflict(InputError):
    """The request clashes with what is stored (an edition loaded twice, a member twice)."""
