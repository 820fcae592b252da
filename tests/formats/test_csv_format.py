"""Plain CSV reader: layout, cells, candidates, errors; the pyarrow and csv-module paths agree."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from shortlist.errors import BallotFileError
from shortlist.formats import csv as csv_format
from shortlist.formats import read_ballots, write_csv
from shortlist.methods.ballots import Profile


@pytest.fixture(params=["careful", "fast"])
def read(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Write text to a .csv file and read it, through the csv module or through pyarrow."""
    if request.param == "fast":
        monkeypatch.setattr(csv_format, "FAST_PATH_BYTES", 0)

    def reader(text: str, *, name: str = "b.csv", raw: bytes | None = None):
        path = tmp_path / name
        path.write_bytes(raw if raw is not None else text.encode("utf-8"))
        return read_ballots(path)

    return reader


def rankings(profile: Profile) -> dict[tuple[tuple[str, ...] | None, ...], int]:
    return dict(profile.rankings())


def test_the_benchmark_layout_header_and_padding(read) -> None:
    ballots = read("rank1,rank2,rank3\nA,B,\nB,,\nA,B,\nC,A,B\n")
    assert ballots.format == "csv"
    assert ballots.profile.candidates == ("A", "B", "C")
    assert rankings(ballots.profile) == {
        (("A",), ("B",)): 2,
        (("B",),): 1,
        (("C",), ("A",), ("B",)): 1,
    }


def test_a_file_without_header_and_ragged_rows(read) -> None:
    ballots = read("Smith,Jones\nJones\n\nBrown,Smith,Jones\n")
    assert ballots.profile.candidates == ("Smith", "Jones", "Brown")
    assert ballots.profile.total_weight == 3


def test_weight_column_by_name_anywhere(read) -> None:
    ballots = read("Count,Rank 1,rank 2\n5,A,B\n0,B,\n2,A,B\n")
    assert rankings(ballots.profile) == {(("A",), ("B",)): 7}
    assert ballots.profile.candidates == ("A", "B")


def test_equal_rankings_skips_and_escapes(read) -> None:
    text = "rank1,rank2,rank3,weight\nB=A,,C,2\nA = B,,C,1\nx\\=y,a\\\\b,,1\n,,,4\n"
    ballots = read(text)
    profile = ballots.profile
    assert profile.candidates == ("B", "A", "C", "x=y", "a\\b")
    assert rankings(profile) == {
        (("B", "A"), None, ("C",)): 3,
        (("x=y",), ("a\\b",)): 1,
        (): 4,
    }
    assert len(profile.multi) == 1


def test_quoted_names_bom_and_crlf(read) -> None:
    raw = '\ufeffrank1,rank2\r\n"Jones, A","Said ""Hi"""\r\n"Jones, A",\r\n'.encode()
    ballots = read("", raw=raw)
    assert ballots.profile.candidates == ("Jones, A", 'Said "Hi"')
    assert ballots.profile.total_weight == 2


def test_declared_candidates_set_the_order_and_catch_misspellings(read) -> None:
    text = "#candidates,Zed,Amy,Unvoted\n# a comment\n#withdrawn,Zed\nrank1,rank2\nAmy,Zed\n"
    ballots = read(text)
    assert ballots.profile.candidates == ("Zed", "Amy", "Unvoted")
    assert ballots.profile.withdrawn == {0}
    with pytest.raises(BallotFileError) as caught:
        read("#candidates,Zed,Amy\nrank1,rank2\nAmy,Zed\nAmy,Zedd\n")
    assert str(caught.value) == (
        f"{caught.value.path}:4, field 'rank2': 'Zedd' is not in the #candidates list"
    )


def test_order_of_first_appearance_reaches_past_the_first_rows(read) -> None:
    text = "rank1,rank2\n" + "A,B\n" * 5000 + "C,D\nB,E\n"
    ballots = read(text)
    assert ballots.profile.candidates == ("A", "B", "C", "D", "E")
    assert ballots.profile.total_weight == 5002


@pytest.mark.parametrize(
    ("text", "line", "field", "reason"),
    [
        ("rank1,rank2\nA,B\nA,B,C\n", 3, None, "the row has 3 fields, the header 2"),
        ("rank1,weight\nA,1\nB,x\n", 3, "weight", "invalid weight 'x'"),
        ("rank1,weight\nA,1\nB,-2\n", 3, "weight", "invalid weight '-2'"),
        ("rank1,weight\nA,1\nB\n", 3, "weight", "invalid weight ''"),
        ("rank1,rank2\nA,B\nA=,B\n", 3, "rank1", "'A=' has an empty name beside '='"),
        ("#withdrawn,Q\nrank1\nA\n", 1, None, "withdrawn candidate 'Q' is not a candidate"),
    ],
)
def test_errors_name_file_line_and_field(
    read,
    text: str,
    line: int,
    field: str | None,
    reason: str,
) -> None:
    with pytest.raises(BallotFileError) as caught:
        read(text)
    error = caught.value
    assert (error.line, error.field) == (line, field)
    assert error.reason.startswith(reason)
    assert str(error).startswith(f"{error.path}:{line}")


def test_the_two_paths_agree_on_a_generated_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(7)
    names = ["Ann", "Bo, Jr.", 'Cy "C"', "Dé", "E=e"]
    lines = ["rank1,rank2,rank3,weight"]
    for _ in range(3000):
        picks = rng.permutation(len(names))[: rng.integers(0, 4)]
        cells = [_csv_cell(names[p]) for p in picks] + [""] * (3 - len(picks))
        if rng.random() < 0.1 and cells[0]:
            cells[0] = cells[0] + "=" + _csv_cell(names[0])
        lines.append(",".join([*cells, str(rng.integers(1, 4))]))
    path = tmp_path / "g.csv"
    path.write_text("\n".join(lines) + "\n")
    careful = read_ballots(path)
    monkeypatch.setattr(csv_format, "FAST_PATH_BYTES", 0)
    fast = read_ballots(path)
    assert fast.profile.candidates == careful.profile.candidates
    assert np.array_equal(fast.profile.ranks, careful.profile.ranks)
    assert np.array_equal(fast.profile.weights, careful.profile.weights)
    assert fast.profile.multi == careful.profile.multi


def _csv_cell(name: str) -> str:
    escaped = name.replace("=", "\\=")
    if any(c in escaped for c in ',"'):
        return '"' + escaped.replace('"', '""') + '"'
    return escaped


def test_progress_is_reported_up_to_the_file_size(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("rank1,rank2\n" + "Alpha,Beta\nBeta,\n" * 120_000)
    seen: list[tuple[int, int]] = []
    ballots = read_ballots(path, progress=lambda done, total: seen.append((done, total)))
    size = path.stat().st_size
    assert seen and seen[-1] == (size, size)
    assert all(total == size for _, total in seen)
    assert ballots.profile.total_weight == 240_000


def test_the_writer_writes_the_benchmark_layout_when_it_can() -> None:
    profile = Profile.from_rankings([["A", "B"], ["B"], ["A", "B"]])
    out = io.StringIO()
    write_csv(profile, out)
    assert out.getvalue() == "rank1,rank2,weight\nA,B,2\nB,,1\n"
    out = io.StringIO()
    write_csv(profile, out, weights=False)
    assert out.getvalue() == "rank1,rank2\nA,B\nA,B\nB,\n"


def test_the_writer_refuses_names_it_cannot_write_back() -> None:
    with pytest.raises(BallotFileError, match="cannot be empty or begin or end with a space"):
        write_csv(Profile.from_rankings([[" A"]]), io.StringIO())


def test_the_fast_path_reads_regular_files_itself(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("#candidates,B,A,C\nrank1,rank2,weight\nA,B,3\nA=C,,1\n,,2\n")
    ballots = csv_format._read_fast(str(path), path.stat().st_size, None)
    assert ballots.profile.candidates == ("B", "A", "C")
    assert rankings(ballots.profile) == {(("A",), ("B",)): 3, (("A", "C"),): 1, (): 2}
    path.write_text("rank1\nA\nA,B\n")
    with pytest.raises(csv_format._Irregular):
        csv_format._read_fast(str(path), path.stat().st_size, None)


def test_bytes_that_are_not_utf8_are_an_error_with_their_line(read) -> None:
    with pytest.raises(BallotFileError, match=r":3: the file is not UTF-8"):
        read("", raw=b"rank1\nA\nCaf\xe9\n")


def test_a_header_with_a_trailing_comma_is_still_a_header(read) -> None:
    ballots = read("rank1,rank2,\nA,B,\nB,,\n")
    assert ballots.profile.candidates == ("A", "B")
    assert ballots.profile.total_weight == 2


def test_a_header_with_a_foreign_column_is_refused(read) -> None:
    with pytest.raises(BallotFileError) as caught:
        read("Precinct,rank1,rank2\nP1,A,B\n")
    assert caught.value.line == 1
    assert "column 'Precinct' is neither a rank nor a weight" in str(caught.value)


def test_line_breaks_inside_quoted_names_across_pyarrow_blocks(tmp_path: Path) -> None:
    path = tmp_path / "multiline.csv"
    rows = ['"Ann\nLee","Bo, ""B"""', '"Bo, ""B""",', 'Cy,"Ann\nLee"'] * 50_000
    path.write_text("rank1,rank2\n" + "\n".join(rows) + "\n", newline="")
    assert path.stat().st_size > 2 * csv_format.FAST_PATH_BYTES
    fast = csv_format._read_fast(str(path), path.stat().st_size, None)
    careful = csv_format.parse_csv(path.read_text(), str(path))
    assert fast.profile.candidates == ("Ann\nLee", 'Bo, "B"', "Cy")
    assert rankings(fast.profile) == rankings(careful.profile)
    assert fast.profile.total_weight == 150_000
