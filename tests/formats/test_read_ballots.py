"""read_ballots: choosing the format by extension or by content; the BallotFile it returns."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from shortlist.errors import BallotFileError
from shortlist.formats import BallotFile, guess_format, read_ballots

CASES = Path(__file__).resolve().parents[1] / "cases"
BLT = CASES / "ers97" / "ers97.blt"
SOC = CASES / "pref_voting" / "condorcet_winner" / "minimal_Coombs.soc"


@pytest.mark.parametrize(
    ("source", "kind"),
    [(BLT, "blt"), (SOC, "preflib"), (CASES / "droop/test/blt/42t.blt", "blt")],
)
def test_without_an_extension_the_content_decides(tmp_path: Path, source: Path, kind: str) -> None:
    copy = tmp_path / "ballots"
    shutil.copy(source, copy)
    assert guess_format(copy) == kind
    assert read_ballots(copy).format == kind


def test_csv_content_and_extensions(tmp_path: Path) -> None:
    plain = tmp_path / "ballots.txt"
    plain.write_text("rank1,rank2\nA,B\n")
    assert guess_format(plain) == "csv"
    for suffix, kind in (
        (".CSV", "csv"),
        (".toi", "preflib"),
        (".soi", "preflib"),
        (".blt", "blt"),
    ):
        assert guess_format(tmp_path / f"x{suffix}") == kind
    old = tmp_path / "old"
    old.write_text("2\n1,A\n2,B\n1,1,1\n1,1,2\n")
    assert guess_format(old) == "preflib"


def test_the_format_argument_wins_over_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "looks.csv"
    shutil.copy(BLT, path)
    ballots = read_ballots(path, format="blt")
    assert isinstance(ballots, BallotFile)
    assert (ballots.format, ballots.seats, ballots.path) == ("blt", 6, str(path))


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(BallotFileError, match="unknown ballot file format 'xml'"):
        read_ballots(BLT, format="xml")


def test_progress_is_called_for_every_format(tmp_path: Path) -> None:
    for source in (BLT, SOC):
        calls: list[tuple[int, int]] = []
        read_ballots(source, progress=lambda done, total, calls=calls: calls.append((done, total)))
        size = source.stat().st_size
        assert calls[-1] == (size, size)


def test_format_names_are_case_blind_and_preflib_types_are_accepted() -> None:
    assert read_ballots(SOC, format="SOC").format == "preflib"
    assert read_ballots(BLT, format="BLT").format == "blt"
