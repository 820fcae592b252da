"""Whatever the bytes, a reader returns ballots or raises BallotFileError: never a traceback."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from shortlist.errors import BallotFileError
from shortlist.formats import BallotFile, blt_block
from shortlist.formats import blt as blt_format
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


BALLOT_LINES = st.lists(
    st.one_of(
        st.builds(
            lambda w, ids: " ".join(map(str, [w, *ids, 0])),
            st.one_of(st.integers(1, 50), st.just(2**33), st.just(2**62)),
            st.lists(st.integers(1, 5), max_size=6),
        ),
        st.sampled_from(["1 2", "1 0 2 0", "0 1 0", "1 6 0", "2 1\t3 0", "", "1 2 0 ", "3 1=2 0"]),
    ),
    max_size=30,
)


@settings(max_examples=150, deadline=None)
@given(BALLOT_LINES, st.sampled_from(["\n", "\r\n"]))
def test_the_blt_fast_block_agrees_with_the_line_reader(lines: list[str], end: str) -> None:
    text = end.join(["4 2", "[tie 4 3 2 1]", *lines, "0", '"A"', '"B"', '"C"', '"D"', '"T"', ""])
    fast = _outcome(lambda: blt_format.parse_blt(text, "b.blt"), fast_block=True)
    careful = _outcome(lambda: blt_format.parse_blt(text, "b.blt"), fast_block=False)
    assert fast == careful


def _outcome(read: Callable[[], BallotFile], fast_block: bool | None = None) -> object:
    saved = blt_block.MIN_BYTES
    if fast_block is not None:
        blt_block.MIN_BYTES = 0 if fast_block else 1 << 60
    try:
        profile = read().profile
    except BallotFileError as error:
        return str(error)
    finally:
        blt_block.MIN_BYTES = saved
    return (profile.candidates, profile.rankings(), sorted(profile.withdrawn))
