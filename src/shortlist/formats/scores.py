"""Score, approval and single-choice ballots: CSV with a header naming candidates, PrefLib .cat.

CSV layout::

    # kind: score                  optional: score (default), approval or choice
    # scale: 6-10                  optional: the lowest and highest score (default 0-10;
                                   approval and choice ballots are 0-1)
    weight,group,Film A,Film B     the header: candidates' names, and optionally a weight (or
    2,0,8,,10                      count) column and a group column (0: general vote,
    1,1,,7,6                       1: committee); one ballot a row

* Score cells hold a whole number on the scale; an empty cell is "not scored" (not seen),
  which is not the lowest score.
* Approval cells hold ``1``/``x``/``yes`` for approved and ``0``/``no``/empty for not; any
  other number (a rank, a score) is an error.
* Single-choice ballots are either approval-style rows with at most one mark, or one column
  headed ``choice`` (or ``vote``) naming the candidate; the candidates are then the
  ``# candidates: A, B, C`` line, or the names in order of first appearance.

PrefLib ``.cat`` (categorical preferences): ``# NUMBER CATEGORIES: k`` and ``# ALTERNATIVE NAME
i: name`` header lines, then ``count: {1,2}, {3}, {}`` lines placing alternatives in categories,
best first. Two categories are approval ballots (the first approves); k > 2 are scores k - 1
(first category) down to 0 on the scale 0 to k - 1. An alternative in no category is unscored.

Every error names the file, the line and the field. Big CSV files go through pyarrow's reader;
when it finds anything wrong, the file is read again with the standard library to name the
exact line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from shortlist.errors import BallotFileError
from shortlist.methods.scored import KINDS, UNSCORED, ScoreProfile

WEIGHT_LABELS = ("weight", "count")
GROUP_LABEL = "group"
CHOICE_LABELS = ("choice", "vote")
YES = ("1", "x", "yes", "y", "true")
NO = ("", "0", "no", "n", "false")
DEFAULT_SCALE = (0, 10)
FAST_PATH_BYTES = 1 << 20
_SCALE = re.compile(r"^\s*(-?\d+)\s*(?:-|\.\.|to)\s*(-?\d+)\s*$")


def read_scores(
    path: str | Path, *, kind: str | None = None, scale: tuple[int, int] | None = None
) -> ScoreProfile:
    """Read a score/approval/choice CSV, a PrefLib ``.cat`` or a starvote-format file."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BallotFileError(f"cannot read the file: {exc}", path=str(path)) from None
    if path.suffix.lower() == ".cat":
        return parse_cat(text, str(path))
    if path.suffix.lower() == ".starvote":
        from shortlist.formats.starvote import parse_starvote

        return parse_starvote(text, str(path)).profile
    return parse_csv(text, str(path), kind=kind, scale=scale)


# -- CSV -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Where:
    """A line of a file, to name in an error."""

    path: str
    line: int

    def error(self, message: str, field: str | None = None) -> BallotFileError:
        return BallotFileError(message, path=self.path, line=self.line, field=field)


@dataclass
class _Head:
    """What the ``#`` lines and the header row say."""

    kind: str
    scale: tuple[int, int]
    candidates: list[str]
    columns: list[int]
    weight: int | None
    group: int | None
    choice: int | None
    header_line: int
    fixed: bool = False


def parse_csv(
    text: str, source: str, *, kind: str | None = None, scale: tuple[int, int] | None = None
) -> ScoreProfile:
    lines = text.splitlines()
    head = _read_head(lines, source, kind, scale)
    if len(text) >= FAST_PATH_BYTES and head.choice is None:
        fast = _fast_rows(lines, head)
        if fast is not None:
            return _profile(head, *fast, source=source)
    return _slow_rows(lines, head, source)


def _read_head(
    lines: list[str], source: str, kind: str | None, scale: tuple[int, int] | None
) -> _Head:
    meta: dict[str, tuple[str, int]] = {}
    number = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if not line.startswith("#"):
            break
        key, _, value = line[1:].partition(":")
        meta[key.strip().lower()] = (value.strip(), number)
    else:
        raise BallotFileError("no header row naming the candidates", path=source)
    kind = kind or meta.get("kind", ("score", 0))[0].lower()
    if kind not in KINDS:
        line_no = meta.get("kind", ("", None))[1]
        raise BallotFileError(
            f"kind {kind!r} is not one of {', '.join(KINDS)}",
            path=source,
            line=line_no,
            field="kind",
        )
    if kind != "score":
        scale = (0, 1)
    elif scale is None and "scale" in meta:
        scale = _parse_scale(*meta["scale"], source)
    header = next(csv.reader([lines[number - 1]]))
    return _columns(header, kind, scale or DEFAULT_SCALE, meta, number, source)


def _parse_scale(text: str, line: int, source: str) -> tuple[int, int]:
    m = _SCALE.match(text)
    if not m or int(m.group(1)) > int(m.group(2)):
        raise BallotFileError(
            f"scale {text!r} is not 'lowest-highest' (e.g. 6-10)",
            path=source,
            line=line,
            field="scale",
        )
    return int(m.group(1)), int(m.group(2))


def _columns(
    header: list[str],
    kind: str,
    scale: tuple[int, int],
    meta: dict[str, tuple[str, int]],
    line: int,
    source: str,
) -> _Head:
    labels = [h.strip() for h in header]
    lower = [h.lower() for h in labels]
    weight = next((i for i, h in enumerate(lower) if h in WEIGHT_LABELS), None)
    group = lower.index(GROUP_LABEL) if GROUP_LABEL in lower else None
    choice = next((i for i, h in enumerate(lower) if h in CHOICE_LABELS), None)
    columns = [i for i in range(len(labels)) if i not in (weight, group, choice)]
    if choice is not None:
        kind = "choice"
        listed = meta.get("candidates", ("", 0))[0]
        candidates = [c.strip() for c in next(csv.reader([listed]))] if listed else []
        columns = []
    else:
        candidates = [labels[i] for i in columns]
    seen: set[str] = set()
    for i, name in zip(columns, candidates, strict=False):
        if not name or name in seen:
            what = "an empty name" if not name else f"{name!r} twice"
            raise BallotFileError(
                f"the header names {what}", path=source, line=line, field=f"column {i + 1}"
            )
        seen.add(name)
    if not candidates and choice is None:
        raise BallotFileError("the header names no candidates", path=source, line=line)
    fixed = choice is not None and bool(candidates)
    return _Head(kind, scale, candidates, columns, weight, group, choice, line, fixed)


def _slow_rows(lines: list[str], head: _Head, source: str) -> ScoreProfile:
    rows: list[list[int]] = []
    weights: list[int] = []
    groups: list[int] = []
    names = head.candidates
    for number in range(head.header_line + 1, len(lines) + 1):
        line = lines[number - 1]
        if not line.strip() or line.startswith("#"):
            continue
        cells = next(csv.reader([line]))
        where = _Where(source, number)
        weights.append(_whole(cells, head.weight, "weight", where))
        groups.append(_whole(cells, head.group, "group", where))
        if head.choice is not None:
            rows.append(_choice_row(cells, head, where))
            continue
        if len(cells) > len(head.columns) + (head.weight is not None) + (head.group is not None):
            raise where.error("more fields than the header has")
        row = [_cell(cells, i, names[k], head, where) for k, i in enumerate(head.columns)]
        rows.append(row)
    width = len(head.candidates)
    if head.choice is not None:
        chosen = np.array(rows, dtype=np.int64).reshape(-1)
        arr = np.full((len(rows), width), UNSCORED, dtype=np.int32)
        arr[np.flatnonzero(chosen >= 0), chosen[chosen >= 0]] = 1
    else:
        arr = np.array(rows, dtype=np.int32).reshape(len(rows), width)
    return _profile(head, arr, np.array(weights, np.int64), np.array(groups, np.int8), source)


def _whole(cells: list[str], index: int | None, label: str, where: _Where) -> int:
    if index is None:
        return 1 if label == "weight" else 0
    text = cells[index].strip() if index < len(cells) else ""
    if not text.isdigit() or (label == "group" and text not in ("0", "1")):
        allowed = "0 or 1" if label == "group" else "a whole number >= 0"
        raise where.error(f"{label} {text!r} is not {allowed}", label)
    return int(text)


def _cell(cells: list[str], i: int, name: str, head: _Head, where: _Where) -> int:
    text = cells[i].strip() if i < len(cells) else ""
    low = text.lower()
    if head.kind != "score":
        if low in YES:
            return 1
        if low in NO:
            return UNSCORED if low == "" else 0
        what = "a rank" if text.lstrip("-").isdigit() else "not a mark"
        raise where.error(f"an approval ballot holds {text!r} ({what}); mark 1 or x", name)
    if not text:
        return UNSCORED
    try:
        value = int(text)
    except ValueError:
        raise where.error(f"score {text!r} is not a whole number", name) from None
    lo, hi = head.scale
    if not lo <= value <= hi:
        raise where.error(f"score {value} is outside the scale {lo} to {hi}", name)
    return value


def _choice_row(cells: list[str], head: _Head, where: _Where) -> list[int]:
    """The code of the candidate chosen (a one-item row), or ``[-1]`` for a blank ballot."""
    assert head.choice is not None
    name = cells[head.choice].strip() if head.choice < len(cells) else ""
    if name and name not in head.candidates:
        if head.fixed:
            raise where.error(f"{name!r} is not one of the listed candidates", "choice")
        head.candidates.append(name)
    return [head.candidates.index(name) if name else -1]


def _profile(
    head: _Head,
    scores: npt.NDArray[np.int32],
    weights: npt.NDArray[np.int64],
    groups: npt.NDArray[np.int8],
    source: str,
) -> ScoreProfile:
    if head.kind == "choice":
        many = ((scores != UNSCORED) & (scores > 0)).sum(axis=1) > 1
        if many.any():
            raise BallotFileError(
                "a single-choice ballot marks more than one candidate",
                path=source,
                line=_line_of(head, int(np.flatnonzero(many)[0])),
            )
    return ScoreProfile(
        tuple(head.candidates), scores, weights, head.scale, head.kind, groups
    ).grouped()


def _line_of(head: _Head, row: int) -> int | None:
    """The line of a data row when the file has no blank or comment lines among the rows."""
    return head.header_line + row + 1


# -- CSV fast path ---------------------------------------------------------------------------


def _fast_rows(
    lines: list[str], head: _Head
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64], npt.NDArray[np.int8]] | None:
    """Parse the rows with pyarrow; None when anything needs the careful reader.

    Every column is read dictionary-encoded: each distinct cell text is checked once and the
    column becomes a lookup of its codes.
    """
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    body = "\n".join(lines[head.header_line - 1 :]).encode()
    width = len(next(csv.reader([lines[head.header_line - 1]])))
    names = [f"c{i}" for i in range(width)]
    as_text = pa.dictionary(pa.int32(), pa.string())
    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, as_text), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    n = table.num_rows
    scores = np.empty((n, len(head.columns)), dtype=np.int32)
    for k, i in enumerate(head.columns):
        column = _lookup(table.column(i), lambda text: _fast_cell(text, head))
        if column is None:
            return None
        scores[:, k] = column
    weights = _fast_whole(table, head.weight, 1, n, None)
    groups = _fast_whole(table, head.group, 0, n, 1)
    if weights is None or groups is None:
        return None
    return scores, weights, groups.astype(np.int8)


def _fast_cell(text: str, head: _Head) -> int | None:
    """A cell's value, or None if the careful reader must explain it."""
    low = text.strip().lower()
    if head.kind != "score":
        return 1 if low in YES else (UNSCORED if low == "" else (0 if low in NO else None))
    if not low:
        return UNSCORED
    if not low.lstrip("-").isdigit() or not head.scale[0] <= int(low) <= head.scale[1]:
        return None
    return int(low)


def _lookup(column: object, value: Callable[[str], int | None]) -> npt.NDArray[np.int64] | None:
    """A dictionary-encoded column as the values of its distinct texts (None if one is bad)."""
    chunks = []
    for chunk in column.chunks:  # type: ignore[attr-defined]
        table = [value(t) for t in chunk.dictionary.to_pylist()]
        if any(v is None for v in table):
            return None
        codes = chunk.indices.to_numpy(zero_copy_only=False)
        chunks.append(np.asarray(table, dtype=np.int64)[codes] if table else codes)
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)


def _fast_whole(
    table: object, index: int | None, default: int, n: int, top: int | None
) -> npt.NDArray[np.int64] | None:
    if index is None:
        return np.full(n, default, dtype=np.int64)

    def whole(text: str) -> int | None:
        text = text.strip()
        ok = text.isdigit() and (top is None or int(text) <= top)
        return int(text) if ok else None

    return _lookup(table.column(index), whole)  # type: ignore[attr-defined]


# -- PrefLib .cat ----------------------------------------------------------------------------


def parse_cat(text: str, source: str) -> ScoreProfile:
    names: dict[int, str] = {}
    k_categories = 0
    rows: list[list[int]] = []
    weights: list[int] = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            key, _, value = line[1:].partition(":")
            key = key.strip().upper()
            if key.startswith("ALTERNATIVE NAME"):
                names[int(key.split()[-1])] = value.strip()
            elif key == "NUMBER CATEGORIES":
                k_categories = int(value)
            continue
        if not line.strip():
            continue
        if k_categories < 2:
            raise BallotFileError(
                "a .cat file needs '# NUMBER CATEGORIES: k' with k >= 2 before the data",
                path=source,
                line=number,
                field="NUMBER CATEGORIES",
            )
        weight, row = _cat_line(line, number, source, names, k_categories)
        weights.append(weight)
        rows.append(row)
    order = sorted(names)
    scores = np.array(rows, dtype=np.int32).reshape(len(rows), len(order))
    kind = "approval" if k_categories == 2 else "score"
    return ScoreProfile(
        tuple(names[c] for c in order),
        scores,
        np.array(weights, dtype=np.int64),
        (0, k_categories - 1),
        kind,
    ).grouped()


def _cat_line(
    line: str, number: int, source: str, names: dict[int, str], k: int
) -> tuple[int, list[int]]:
    count, _, body = line.partition(":")
    if not count.strip().isdigit():
        raise BallotFileError(
            f"count {count.strip()!r} is not a whole number",
            path=source,
            line=number,
            field="count",
        )
    row = dict.fromkeys(names, UNSCORED)
    groups = _cat_groups(body)
    if len(groups) != k:
        raise BallotFileError(
            f"{len(groups)} categories on the line, the header says {k}",
            path=source,
            line=number,
            field="categories",
        )
    for g, members in enumerate(groups):
        for item in members:
            if not item.isdigit() or int(item) not in names or row[int(item)] != UNSCORED:
                raise BallotFileError(
                    f"{item!r} is not an alternative, or is placed twice",
                    path=source,
                    line=number,
                    field=f"category {g + 1}",
                )
            row[int(item)] = k - 1 - g
    return int(count), [row[c] for c in sorted(names)]


def _cat_groups(body: str) -> list[list[str]]:
    """``{1,2}, 3, {}`` -> [['1', '2'], ['3'], []]."""
    out: list[list[str]] = []
    for m in re.finditer(r"\{([^}]*)\}|([^,{}\s]+)", body):
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        out.append([x.strip() for x in inner.split(",") if x.strip()])
    return out


def write_scores_csv(profile: ScoreProfile) -> str:
    """The profile as a score CSV (the layout :func:`parse_csv` reads)."""
    out = io.StringIO()
    lo, hi = profile.scale
    out.write(f"# kind: {profile.kind}\n# scale: {lo}-{hi}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["weight", "group", *profile.candidates])
    for row, w, g in zip(
        profile.scores.tolist(), profile.weights.tolist(), profile.groups.tolist(), strict=True
    ):
        writer.writerow([w, g, *("" if v == UNSCORED else v for v in row)])
    return out.getvalue()
