"""Loading an edition from uploaded text (the dashboard's form): every problem of both files."""

from __future__ import annotations

from shortlist.domain.edition_file import read_edition
from shortlist.domain.errors import EditionError, Problem
from shortlist.domain.model import Member
from shortlist.domain.roll import read_roll
from shortlist.service.clock import Clock
from shortlist.service.editions import Loaded, load_edition
from shortlist.store.database import UnitOfWork


def load_uploaded(
    uow: UnitOfWork,
    edition_file: tuple[str, str],
    roll_file: tuple[str, str],
    clock: Clock,
    actor: str,
) -> Loaded:
    """Check and load an edition (name, TOML text) with its roll (name, CSV text).

    Problems of the roll and of the edition are reported together (:class:`EditionError`),
    each with its file, line and field; nothing is stored unless there are none.
    """
    problems: list[Problem] = []
    roll: list[Member] | None = None
    try:
        roll = read_roll(roll_file[0], text=roll_file[1])
    except EditionError as exc:
        problems += exc.problems
    try:
        edition = read_edition(edition_file[0], roll, text=edition_file[1])
    except EditionError as exc:
        raise EditionError([*exc.problems, *problems]) from None
    if problems or roll is None:
        raise EditionError(problems)
    return load_edition(uow, edition, roll, clock, actor)
