"""The records a CVR reader streams, the sources they come from, and what they add up to.

A reader yields one :class:`CastVoteRecord` per ballot, in file order, holding the *raw* names
found at each rank (RCTab's model: aliases are resolved later, labels already mapped):
``UNDECLARED_WRITE_INS`` for the source's undeclared write-in label, :data:`OVERVOTE` for its
overvote label, and no name at all for a skipped rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from shortlist.methods.ballots import Profile

UNDECLARED_WRITE_INS = "Undeclared Write-ins"
"""RCTab's name for the undeclared write-in "candidate"."""

OVERVOTE = "\x00overvote"
"""Mark of a cell holding the source's overvote label (which candidates is not known).

RCTab writes it as ``overvote`` in its CVR exports; the NUL keeps it apart from any name.
"""

#: The names marked at one rank, in file order (empty: no mark, a skipped rank).
Marks = tuple[str, ...]


@dataclass(frozen=True)
class CandidateSpec:
    """One entry of the config's ``candidates``: its name, aliases and exclusion."""

    name: str
    aliases: tuple[str, ...] = ()
    excluded: bool = False


@dataclass(frozen=True)
class CvrSource:
    """One entry of the config's ``cvrFileSources``, with its path resolved.

    Indexes are 1-based, as in the config (ES&S only). ``contest_id`` selects the contest in
    multi-contest CVRs (CDF, Dominion, Hart, Clear Ballot). ``display_path`` is the path as the
    config wrote it (RCTab's CVR export prints it); it defaults to ``path``.
    """

    provider: str
    path: Path
    contest_id: str | None = None
    first_vote_column: int | None = None
    first_vote_row: int | None = None
    id_column: int | None = None
    batch_column: int | None = None
    precinct_column: int | None = None
    overvote_delimiter: str | None = None
    overvote_label: str | None = None
    skipped_rank_label: str | None = None
    undeclared_write_in_label: str | None = None
    treat_blank_as_undeclared_write_in: bool = False
    display_path: str | None = None

    @property
    def shown_path(self) -> str:
        """The path as the config wrote it (or the resolved path)."""
        return self.display_path if self.display_path is not None else str(self.path)

    @property
    def declares_write_ins(self) -> bool:
        """Whether this source can hold undeclared write-ins (RCTab then adds the candidate)."""
        return bool(self.undeclared_write_in_label) or self.treat_blank_as_undeclared_write_in


@dataclass(frozen=True, slots=True)
class CastVoteRecord:
    """One ballot as a reader found it.

    ``where`` is the file it came from and ``line`` its row or line there (1-based), for
    messages. ``record_id`` is RCTab's id of the record (computed, e.g. ``file.xlsx-7``, or the
    vendor's); ``vendor_id`` the id the vendor supplied, if any. ``ranks[j]`` holds the marks at
    rank ``j + 1``. ``first_column`` is the 1-based column of rank 1 in a spreadsheet.
    """

    where: str
    line: int | None
    record_id: str | None
    vendor_id: str | None
    contest_id: str | None
    tabulator_id: str | None
    batch: str | None
    precinct: str | None
    precinct_portion: str | None
    ranks: tuple[Marks, ...]
    first_column: int | None = None


@dataclass(frozen=True, eq=False)
class CastVoteRecords:
    """Every record of a contest's sources, grouped by (ranks, precinct, batch).

    ``precinct[i]`` and ``batch[i]`` index ``precincts`` and ``batches`` for profile row ``i``
    (``-1``: the record has none).
    """

    profile: Profile
    precinct: npt.NDArray[np.int32]
    precincts: tuple[str, ...]
    batch: npt.NDArray[np.int32]
    batches: tuple[str, ...]
    record_count: int

    def rows_in_precinct(self, name: str) -> npt.NDArray[np.bool_]:
        """A mask of the profile rows cast in precinct ``name``."""
        return np.asarray(self.precinct == self.precincts.index(name))

    def rows_in_batch(self, name: str) -> npt.NDArray[np.bool_]:
        """A mask of the profile rows cast in batch ``name``."""
        return np.asarray(self.batch == self.batches.index(name))
