"""BLT reader: every BLT file in the corpus, the dialects one by one, and errors."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from shortlist.errors import BallotFileError
from shortlist.formats import blt_block, read_ballots
from shortlist.formats.blt import parse_blt
from shortlist.methods.ballots import SKIP

CASES = Path(__file__).resolve().parents[1] / "cases"
BLT_FILES = sorted(CASES.rglob("*.blt"))


def simple_count(path: Path) -> dict[str, object]:
    """An independent, line-oriented reading of a BLT file (FORMATS.md's inventory reader).

    Blank and ``#`` lines are skipped, ``[...]`` and ``-k`` lines after the first are options,
    ballot lines run to a line that is just ``0`` (a trailing ``0`` is optional), and then come
    the names, outer quotes and doubled quotes stripped.
    """
    lines = [
        line.strip()
        for line in path.read_text(encoding="utf-8-sig").splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    n_candidates, seats = (int(x) for x in lines[0].split())
    i, ids = 1, {str(k): str(k) for k in range(1, n_candidates + 1)}
    while lines[i].startswith("[") or lines[i].startswith("-"):
        if lines[i].startswith("[nick"):
            nicks = lines[i].strip("[]").split()[1:]
            ids = {nick: str(k) for k, nick in enumerate(nicks, start=1)}
        i += 1
    total, first = 0, Counter[str]()
    while lines[i] != "0":
        words = lines[i].split()
        weight = 1 if words[0].startswith("(") else int(words[0])
        total += weight
        if len(words) > 1 and words[1] in ids:
            first[ids[words[1]]] += weight
        i += 1
    names = [_unquote(line) for line in lines[i + 1 : i + 1 + n_candidates]]
    return {
        "candidates": n_candidates,
        "seats": seats,
        "total": total,
        "first": first,
        "names": names,
    }


def _unquote(line: str) -> str:
    if line.startswith('"') and line.endswith('"'):
        return line[1:-1].replace('""', '"')
    return line


def test_the_corpus_has_blt_files() -> None:
    assert len(BLT_FILES) >= 40


@pytest.mark.parametrize("path", BLT_FILES, ids=lambda p: str(p.relative_to(CASES)))
def test_every_corpus_blt_parses_to_its_header_and_an_independent_count(path: Path) -> None:
    expected = simple_count(path)
    ballots = read_ballots(path)
    profile = ballots.profile
    assert ballots.format == "blt"
    assert profile.n_candidates == expected["candidates"]
    assert ballots.seats == expected["seats"]
    assert profile.total_weight == expected["total"]
    first_counts: Counter[str] = Counter()
    for cell, weight in zip(profile.ranks[:, 0].tolist(), profile.weights.tolist(), strict=True):
        if cell >= 0:
            first_counts[str(cell + 1)] += weight
    assert first_counts == expected["first"]
    if expected["names"] and all(n and not n[0].isdigit() for n in expected["names"]):
        assert list(profile.candidates) == expected["names"]


def test_ers97_lines_without_a_closing_zero_are_one_ballot_each() -> None:
    ballots = read_ballots(CASES / "ers97" / "ers97.blt")
    assert ballots.profile.total_weight == 753
    assert ballots.title == "ERS97 Model Election"
    rankings = dict(ballots.profile.rankings())
    assert rankings[(("Smith",), ("Carpenter",))] == 35
    assert rankings[(("Smith",), ("Glazier",))] == 20


def test_the_original_scottish_dialect_reads_like_the_canonical_file() -> None:
    folder = CASES / "scottish"
    for original in sorted((folder / "original_format").glob("*.blt")):
        canonical = read_ballots(folder / original.name).profile
        dialect = read_ballots(original)
        assert dialect.profile.rankings() == [
            (tuple(_renamed(r, canonical.candidates, dialect.profile.candidates) for r in ranks), w)
            for ranks, w in canonical.rankings()
        ]
        assert dialect.title.startswith("Ward ")
        assert '"' in dialect.profile.candidates[0]  # the doubled quotes, undoubled


def _renamed(
    rank: tuple[str, ...] | None, old: tuple[str, ...], new: tuple[str, ...]
) -> tuple[str, ...] | None:
    return None if rank is None else tuple(new[old.index(name)] for name in rank)


def test_droop_tie_nick_withdrawn_and_bom() -> None:
    tie = read_ballots(CASES / "droop/test/blt/42t.blt")
    assert tie.tie_order == ("Helen", "Pollux", "Castor")
    nick = read_ballots(CASES / "droop/test/blt/meek/eq1.blt").profile
    assert dict(nick.rankings()) == {
        (("A",), ("B",)): 5,
        (("B", "C"),): 1,
        (("C",),): 3,
    }
    for name in ("SCw.blt", "SCwopt.blt"):
        withdrawn = read_ballots(CASES / "droop/test/blt" / name).profile
        assert [withdrawn.candidates[c] for c in withdrawn.withdrawn] == ["Pat LaMarche"]
    bom = read_ballots(CASES / "droop/test/blt/42ubom.blt").profile
    assert bom.candidates == ("Cåstor", "Pøllüx", "Hélen")


DIALECTS = """\xef\xbb\xbf# a comment line
4 2   /* four candidates,
two seats */
-4
[nick a b c d] [tie d c b a]
[droop precision=5 meek]
[undeclared c]
3 a b 0  2 b - c 0
(ballot-7) 1=2 3 0
( ballot 8 ) 2
1 0
0
Unquoted Name # trailing comment
"Quoted ""Nick"" Name"
"C, with comma"  "D # not a comment"
"The title"
"source line droop keeps"
"""


def test_dialect_features_in_one_file() -> None:
    ballots = parse_blt(DIALECTS.encode("latin-1").decode("utf-8-sig"), "d.blt")
    profile = ballots.profile
    assert profile.candidates == (
        "Unquoted Name",
        'Quoted "Nick" Name',
        "C, with comma",
        "D # not a comment",
    )
    assert ballots.title == "The title"
    assert ballots.seats == 2
    assert profile.withdrawn == {3}
    assert ballots.tie_order == tuple(reversed(profile.candidates))
    assert dict(ballots.options) == {"precision": "5", "meek": ""}
    assert ballots.undeclared == ("C, with comma",)
    u, q, c = profile.candidates[:3]
    assert dict(profile.rankings()) == {
        ((u,), (q,)): 3,
        ((q,), None, (c,)): 2,
        ((u, q), (c,)): 1,
        ((q,),): 1,
        (): 1,
    }


def test_alternative_name_comments_give_the_names() -> None:
    text = (
        "2 1\n"
        "# ALTERNATIVE NAME 1: Catherine MACDONALD (Ind)\n"
        "# ALTERNATIVE NAME 2: John SMITH (Lab)\n"
        "5 1 2 0\n3 2 0\n0\nWard 9 - Somewhere\n"
    )
    ballots = parse_blt(text, "g.blt")
    assert ballots.profile.candidates == ("Catherine MACDONALD (Ind)", "John SMITH (Lab)")
    assert ballots.title == "Ward 9 - Somewhere"
    assert ballots.profile.total_weight == 8


def test_crlf_and_token_stream_layout() -> None:
    text = '2 1\r\n4 1 2 0 2 2\r\n0\r\n"A" "B" "T"\r\n'
    ballots = parse_blt(text, "s.blt")
    assert dict(ballots.profile.rankings()) == {(("A",), ("B",)): 4, (("B",),): 2}
    assert ballots.title == "T"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("7 2\n1 1 2 0\n3 9 0\n", "e.blt:3: candidate id 9 out of range 1..7"),
        ("2 1\n1 1 0\nx 2 0\n0\n", "e.blt:3: ballot weight 'x' is not a whole number"),
        ("2 1\n1 1 0\n1.5 2 0\n0\n", "e.blt:3: ballot weight '1.5' is not a whole number"),
        ('2 1\n1 1 0\n0\n"A"\n', "e.blt:4: expected 2 candidate names after the ballots, found 1"),
        ("2 1\n1 1 0\n2 2 0\n", "e.blt:3: the ballots never end"),
        ("2 1\n[frobnicate 1]\n1 1 0\n0\n", "e.blt:2: unknown option [frobnicate ...]"),
        ("2 1\n[tie 1]\n1 1 0\n0\n", "e.blt:2: [tie] must list all 2 candidates once"),
        ("2 1\n[nick a b]\n1 a z 0\n0\n", "e.blt:3: unknown candidate 'z'"),
        ("2 1\n1 1=- 0\n0\n", "e.blt:2: rank '1=-' is not a candidate"),
        ("2 1\n(a) 1 0\n(a) 2 0\n0\n", "e.blt:3: ballot id (a) appears twice"),
        ("x 1\n", "e.blt:1: expected the number of candidates (a whole number), found 'x'"),
        ('2 1\n1 1 0\n0\n"A"\n"A"\n', "two candidates are both called 'A'"),
        ("2 1\n-3\n1 1 0\n0\n", "e.blt:2: candidate id 3 out of range 1..2"),
        ("", "the file ends where the number of candidates should be"),
        ("2 1\n/* open\n1 1 0\n", "a /* comment is never closed"),
    ],
)
def test_errors_name_file_line_and_token(text: str, message: str) -> None:
    with pytest.raises(BallotFileError) as caught:
        parse_blt(text, "e.blt")
    assert str(caught.value).startswith(message) or message in str(caught.value)


def test_a_missing_file_is_a_ballot_file_error(tmp_path: Path) -> None:
    with pytest.raises(BallotFileError, match="cannot read"):
        read_ballots(tmp_path / "missing.blt")


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.blt"
    path.write_bytes(b'1 1\n1 1 0\n0\n"Caf\xe9"\n')
    with pytest.raises(BallotFileError, match=r"latin\.blt:4: the file is not UTF-8"):
        read_ballots(path)


def test_blank_ballots_are_kept_and_repeated_candidates_stay() -> None:
    profile = parse_blt('2 1\n3 0\n1 1 1 2 0\n0\n"A"\n"B"\n').profile
    assert profile.total_weight == 4
    rows = {
        tuple(r): w for r, w in zip(profile.ranks.tolist(), profile.weights.tolist(), strict=True)
    }
    assert rows[(SKIP, SKIP, SKIP)] == 3
    assert rows[(0, 0, 1)] == 1
    assert np.all(profile.weights > 0)


@pytest.mark.parametrize("path", BLT_FILES, ids=lambda p: str(p.relative_to(CASES)))
def test_the_numeric_fast_path_and_the_line_reader_agree(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blt_block, "MIN_BYTES", 0)
    fast = read_ballots(path)
    monkeypatch.setattr(blt_block, "MIN_BYTES", 1 << 60)
    careful = read_ballots(path)
    assert fast.profile.candidates == careful.profile.candidates
    assert np.array_equal(fast.profile.ranks, careful.profile.ranks)
    assert np.array_equal(fast.profile.weights, careful.profile.weights)
    assert fast.profile.withdrawn == careful.profile.withdrawn
    assert (fast.title, fast.seats, fast.tie_order) == (
        careful.title,
        careful.seats,
        careful.tie_order,
    )


def test_the_fast_path_is_taken_for_big_canonical_files() -> None:
    text = (CASES / "scottish" / "dundee_2022_ward8.blt").read_text()
    block = blt_block.numeric_block(text)
    assert block is not None
    assert (
        int(block.weights.sum())
        == simple_count(CASES / "scottish" / "dundee_2022_ward8.blt")["total"]
    )


def test_an_error_inside_a_fast_block_still_names_its_line() -> None:
    text = (CASES / "scottish" / "dundee_2022_ward8.blt").read_text().split("\n")
    text[500] = "1 3 10 0"
    with pytest.raises(BallotFileError, match=r"^w\.blt:501: candidate id 10 out of range 1\.\.9"):
        parse_blt("\n".join(text), "w.blt")
