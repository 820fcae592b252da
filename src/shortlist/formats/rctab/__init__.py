"""RCTab contests: a contest config and its cast-vote records in, RCTab's reports out.

The API the CLI's ``shortlist tabulate CONFIG.json`` uses::

    contest = load_contest("contest_config.json")   # RulesError listing every problem
    result = count_contest(contest)                  # the method ``rctab`` over the CVRs
    write_report(contest, result, "rctab-json", out) # or "rctab-csv", "rctab-summary-csv"

:func:`write_reports` writes every file RCTab would (one per pass of a multi-pass count, one
per precinct or batch when the config asks), named as RCTab names them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

import numpy as np

from shortlist.errors import BallotFileError, CountError, RulesError
from shortlist.formats.rctab.config import ContestConfig, is_rctab_config, read_config
from shortlist.formats.rctab.cvr import CastVoteRecords, read_sources
from shortlist.formats.rctab.report import REPORT_FORMATS, report_files, write_report_to
from shortlist.methods.ballots import SKIP
from shortlist.methods.rctab import RctabResult, Slices, tabulate
from shortlist.methods.result import Result

__all__ = [
    "REPORT_FORMATS",
    "Contest",
    "ContestConfig",
    "count_contest",
    "is_rctab_config",
    "load_contest",
    "read_config",
    "write_report",
    "write_reports",
]


@dataclass(frozen=True, eq=False)
class Contest:
    """A validated contest config and the cast-vote records its sources hold."""

    config: ContestConfig
    records: CastVoteRecords


def load_contest(path: str | Path) -> Contest:
    """Validate the config at ``path`` (every error at once), then read its CVRs."""
    config = read_config(path)
    records = read_sources(
        config.sources, config.candidates, max_rankings=config.rules.max_rankings
    )
    if records.record_count == 0:
        raise BallotFileError("no cast vote records found", path=str(config.path))
    _check_rankings(config, records)
    for kind in config.slices():
        names = records.precincts if kind == "precinct" else records.batches
        if not names:
            raise CountError(
                f'{config.path}: "tabulate by {kind}" is on, but the CVRs list no {kind}s'
            )
    return Contest(config, records)


def _check_rankings(config: ContestConfig, records: CastVoteRecords) -> None:
    """RCTab refuses a record ranking beyond ``maxRankingsAllowed``."""
    limit = config.rules.max_rankings
    ranks = records.profile.ranks
    if limit is None or ranks.shape[1] <= limit:
        return
    beyond = (ranks[:, limit:] != SKIP).any(axis=1)
    if beyond.any():
        count = int(records.profile.weights[beyond].sum())
        raise BallotFileError(
            f"{count} record(s) rank more than maxRankingsAllowed ({limit}) candidates",
            path=", ".join(s.shown_path for s in config.sources),
            field="maxRankingsAllowed",
        )


def count_contest(contest: Contest) -> RctabResult:
    """Count the contest by RCTab's rules (and tally each precinct/batch the config asks for)."""
    config, records = contest.config, contest.records
    rules = replace(config.rules, tie_order=tuple(c.name for c in config.candidates))
    slices = [_slices(kind, records) for kind in config.slices()]
    profile = records.profile if slices else records.profile.grouped()
    return tabulate(profile, rules, slices)


def _slices(kind: str, records: CastVoteRecords) -> Slices:
    labels = records.precinct if kind == "precinct" else records.batch
    names = records.precincts if kind == "precinct" else records.batches
    return Slices(kind, np.asarray(labels, dtype=np.int32), tuple(names))


def write_report(contest: Contest, result: Result, fmt: str, out: TextIO) -> None:
    """Write RCTab's detailed report JSON (``rctab-json``) or CSV (``rctab-csv``) to ``out``.

    A multi-pass count writes the report of its last pass (:func:`write_reports` writes all).
    """
    if fmt not in REPORT_FORMATS:
        raise RulesError(f"unknown report format {fmt!r}; choose from {', '.join(REPORT_FORMATS)}")
    passes = result.passes if isinstance(result, RctabResult) and result.passes else (result,)
    write_report_to(contest.config, passes[-1], fmt, out)


def write_reports(contest: Contest, result: RctabResult, directory: str | Path) -> list[Path]:
    """Write every report RCTab writes for this contest into ``directory``; the paths written."""
    folder = Path(directory)
    written: list[Path] = []
    for relative, text in report_files(contest.config, result):
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
