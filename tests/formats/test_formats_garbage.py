"""Whatever the bytes, a reader returns ballots or raises BallotFileError: never a traceback."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from shortlist.errors import BallotFileError
from shortlist.formats import BallotFile
from shortlist.formats import csv as csv_format
from shortlist.formats.blt import parse_blt
from shortlist.formats.csv import parse_csv
from shortlist.formats.preflib import parse_preflib

PIECES = st.sampled_from(
    [
        "0", "1", "2", "3", "-1", "-", "=", "1=2", " ", "\n", "\r\n", '"', '""', '"A"', "#",
        "/*", "*/", "[", "]", "[tie", "[nick", "[droop", "[withdrawn", "(", ")", "(x)", ",", ":",
        "{", "}", "# ALTERNATIVE NAME 1: A", "# NUMBER VOTERS: 2", "rank1", "weight", "\\",
        "#candidates", "#withdrawn", "A", "²", "99999999999999999999", "\ufeff",
    ]
)  # fmt: skip
TEXTS = st.one_of(st.text(max_size=60), st.lists(PIECES, max_size=40).map("".join))


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_every_reader_either_reads_or_names_the_problem(text: str) -> None:
    for parse in (parse_blt, parse_csv, parse_preflib):
        try:
            parse(text, "g")
        except BallotFileError as error:
            assert error.path == "g"


CSV_PIECES = st.sampled_from(
    ["A", "B", "C=A", "b\\=c", ",", ",,", "\n", "\r\n", '"', '"x,y"', "", " ", "#c",
     "#candidates,A,B,C\n", "rank1,rank2\n", "rank1,weight\n", "2", "-1", "\ufeff", "\\", "=",
     "\n\n"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(CSV_PIECES, max_size=30).map("".join))
def test_the_csv_fast_path_agrees_with_the_careful_one(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "g.csv"
        path.write_text(text, encoding="utf-8", newline="")
        text = path.read_bytes().decode("utf-8-sig")
        careful = _outcome(lambda: parse_csv(text, str(path)))
        try:
            fast = _outcome(lambda: csv_format._read_fast(str(path), len(text), None))
        except csv_format._Irregular:
            return  # the fast path handed the file over, as it should for anything odd
    assert fast == careful


def _outcome(read: Callable[[], BallotFile]) -> object:
    try:
        profile = read().profile
    except BallotFileError as error:
        return str(error)
    return (profile.candidates, profile.rankings(), sorted(profile.withdrawn))
