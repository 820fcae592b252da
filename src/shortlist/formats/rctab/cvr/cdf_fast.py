"""CDF JSON cast-vote records counted before they are decoded, when their layout allows it.

Decoding a CVR costs tens of microseconds; a report of a million CVRs holds a few thousand
distinct ballots. So the CVR array is cut into the text of each CVR at the separator the file
uses between CVRs, each CVR's own ids (``CurrentSnapshotId`` with the snapshot ids equal to
it, and ``BallotPrePrintedId``) are replaced by fixed tokens, identical texts are counted, and
only the distinct texts are decoded, by the exact reader's own code; texts that differ only in
their ``BallotStyleUnitId`` (the same ballot in another precinct) are decoded once.

Nothing is assumed that is not checked. The fast path reads a file only when

* the report opens with its ``CVR`` array (after ``@type`` at most), and the CVRs hold no
  backslash (so every ``"`` delimits a string, and a string is written one way only);
* every distinct text decodes as one JSON object (a cut inside a CVR leaves pieces that do
  not), holds ``CurrentSnapshotId`` and ``BallotPrePrintedId`` once, and holds the
  replacement tokens only as the values of ``@id``, ``CurrentSnapshotId`` and
  ``BallotPrePrintedId``;
* the members after the array are the ``Election`` and ``GpUnit`` the count used, and there
  are at most :data:`MAX_DISTINCT` distinct texts.

A report written one CVR a line is first counted by :mod:`.cdf_bulk` (the same texts, counted
with numpy without a Python object per CVR; a big report in two parts on both cores, by
:mod:`.cdf_parts`); what it cannot vouch for comes here.

Otherwise, and on any error, :func:`count_json` returns None and the caller reads the file with
the exact decoder (which then reports the error with its line).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from itertools import accumulate, islice
from typing import TYPE_CHECKING, Any

from shortlist.formats.rctab.cvr import cdf_bulk, cdf_parts
from shortlist.formats.rctab.cvr.cdf_bulk import BALLOT, SNAPSHOT, UNIT
from shortlist.formats.rctab.cvr.records import CastVoteRecord, CvrSource

if TYPE_CHECKING:
    from shortlist.formats.rctab.cvr.cdf import Election

#: More distinct CVR texts than this: ids the fast path does not know vary; read exactly.
MAX_DISTINCT = 1 << 17
_CHUNK = 1 << 23
_OPENING = re.compile(
    rb'(?:\xef\xbb\xbf)?\s*\{\s*(?:"@type"\s*:\s*"[^"\\]*"\s*,\s*)?"CVR"\s*:\s*\[\s*\{'
)
_CURRENT = re.compile(rb'"CurrentSnapshotId"\s*:\s*("[^"]*")')
_BALLOT = re.compile(rb'"BallotPrePrintedId"\s*:\s*("[^"]*")')
_UNIT = re.compile(rb'"BallotStyleUnitId"\s*:\s*("[^"]*")')
_NAMED = b'"CurrentSnapshotId"'
_PLACED = re.compile(
    rb'"(?:@id|CurrentSnapshotId)"\s*:\s*' + re.escape(SNAPSHOT)
    + rb'|"BallotPrePrintedId"\s*:\s*' + re.escape(BALLOT)
)  # fmt: skip


class _Refused(Exception):
    """The file is not one the fast path reads."""


Decode = Any  # (cvr dict, line, record id) -> CastVoteRecord | None


def count_json(
    source: CvrSource, election: Election, decode: Decode
) -> list[tuple[CastVoteRecord, int]] | None:
    """The distinct records of a CDF JSON file with their counts, or None (read it exactly).

    ``decode(cvr, line, record_id)`` is the exact reader's record of one decoded CVR.
    """
    try:
        with source.path.open("rb") as handle:
            found = _count_in_bulk(handle, election, decode)
        if found is not None:
            return found
    except Exception:  # cdf_bulk.Doubt and any other: the CVRs are read the other way
        pass
    try:
        with source.path.open("rb") as handle:
            return _count(handle, election, decode)
    except Exception:
        return None


class _Texts:
    """Distinct CVR texts (ids replaced), how many CVRs hold each, and where each first is."""

    def __init__(self) -> None:
        self.counts: Counter[bytes] = Counter()
        self.first: dict[bytes, tuple[int, bytes | None]] = {}  # line of its '{', ballot id
        self.split: dict[bytes, tuple[bytes, bytes]] = {}  # as _split gives, where known

    def add(self, pieces: list[bytes], line: int, text: bytes, offset: int, sep: bytes) -> None:
        """Count the CVRs ``pieces`` (cut from ``text`` at ``offset``; first line ``line``)."""
        n = len(pieces)
        if not n:
            return
        stop = offset + sum(map(len, pieces)) + (n - 1) * len(sep)
        currents = _CURRENT.findall(text, offset, stop)
        ballots: list[bytes | None] = list(_BALLOT.findall(text, offset, stop))
        if len(currents) != n or len(ballots) not in (0, n):
            raise _Refused("not one CurrentSnapshotId and one BallotPrePrintedId (or none) a CVR")
        keys = list(map(bytes.replace, pieces, currents, [SNAPSHOT] * n))
        if ballots:
            keys = list(map(bytes.replace, keys, ballots, [BALLOT] * n))  # type: ignore[arg-type]
        else:
            ballots = [None] * n
        known = len(self.counts)
        self.counts.update(keys)
        if len(self.counts) > MAX_DISTINCT:
            raise _Refused("too many distinct CVRs")
        fresh = list(islice(reversed(self.counts.keys()), len(self.counts) - known))
        if not fresh:
            return
        for key in fresh:
            _check(key, 1 if ballots[0] is not None else 0)
        at = dict(zip(reversed(keys), range(n - 1, -1, -1), strict=True))
        starts = [0, *accumulate(len(p) + len(sep) for p in pieces)]
        here, lines = offset, line
        for i in sorted(at[key] for key in fresh):  # lines counted once, in file order
            where = offset + starts[i]  # the piece's first byte; its '{' is the byte before
            lines += text.count(b"\n", here, where)
            here = where
            self.first[keys[i]] = (lines, ballots[i])


def _check(key: bytes, ballot_ids: int) -> None:
    """One ``CurrentSnapshotId``, ``ballot_ids`` ballot ids (as in the other CVRs of its
    chunk), and the tokens only where the ids were."""
    if key.count(b'"CurrentSnapshotId"') != 1:
        raise _Refused("no CurrentSnapshotId, or two")
    if key.count(b'"BallotPrePrintedId"') != ballot_ids:
        raise _Refused("a BallotPrePrintedId where the other CVRs have none, or two")
    if len(_PLACED.findall(key)) != key.count(b"\\u0000"):
        raise _Refused("an id's value elsewhere in its CVR")


def _opened(handle: Any) -> tuple[bytes, int, bytes]:
    """The first read (grown to hold the first CVR and what follows it), where the CVR array
    opens in it, and the separator the file uses between CVRs."""
    text = handle.read(_CHUNK)
    opening = _OPENING.match(text)
    if opening is None:
        raise _Refused("the report does not open with its CVR array")
    start = opening.end() - 1
    text, sep = _first(handle, text, start)
    return text, start, sep


def _count(handle: Any, election: Election, decode: Decode) -> list[tuple[CastVoteRecord, int]]:
    text, start, sep = _opened(handle)
    texts = _Texts()
    line = 1 + text.count(b"\n", 0, start)
    offset = start + 1
    while True:
        more = handle.read(_CHUNK)
        pieces = text[offset:].split(sep)
        if not more or (len(pieces) > 1 and _NAMED not in pieces[-2]):
            break  # the end of the file, or of the CVRs (a piece after them names no snapshot)
        # the last whole piece waits for the next read: it may be the last CVR and more
        held = sep.join(pieces[-2:]) if len(pieces) > 1 else pieces[-1]
        del pieces[-2:]
        _plain(text, offset)
        texts.add(pieces, line, text, offset, sep)
        line += text.count(b"\n", offset, len(text) - len(held))
        text, offset = held + more, 0
        if len(text) > 4 * _CHUNK:
            raise _Refused("no separator found")
    return _finish(handle, texts, text + more, offset, line, sep, election, decode)


def _count_in_bulk(
    handle: Any, election: Election, decode: Decode
) -> list[tuple[CastVoteRecord, int]] | None:
    """As :func:`_count`, the CVR lines grouped by :mod:`.cdf_bulk` (None: not one CVR a
    line)."""
    text, start, sep = _opened(handle)
    if sep != cdf_bulk.SEPARATOR:
        return None
    line = 1 + text.count(b"\n", 0, start)
    grouping = cdf_bulk.Grouping()
    rest = cdf_parts.group_lines(handle, grouping, text, start, _CHUNK)
    ballot_ids = 1 if grouping.present.get(cdf_bulk.BALLOT_KEY) else 0
    texts = _Texts()
    for key, count, first, ballot, split in grouping.distinct(
        lambda general: _check(general.replace(UNIT, b'""'), ballot_ids)
    ):
        texts.counts[key] = count
        texts.first[key] = (line + first, ballot)
        if split is not None:
            texts.split[key] = split
    if len(texts.counts) > MAX_DISTINCT:
        raise _Refused("too many distinct CVRs")
    return _finish(handle, texts, rest, 1, line + grouping.lines, sep, election, decode)


def _finish(
    handle: Any,
    texts: _Texts,
    text: bytes,
    offset: int,
    line: int,
    sep: bytes,
    election: Election,
    decode: Decode,
) -> list[tuple[CastVoteRecord, int]]:
    """The CVRs from ``offset`` (after a CVR's ``{``) to the end of the array, the last one
    decoded exactly, and the members after the array checked."""
    rest = handle.read(4 * _CHUNK + 1)  # what is left after the CVRs: the members after them
    if len(rest) > 4 * _CHUNK:
        raise _Refused("a CVR names no snapshot, or the report goes on long after its CVRs")
    text += rest
    pieces = text[offset:].split(sep)
    # the members after the array may hold the separator too: the last CVR is the last piece
    # naming a snapshot, decoded exactly from its start (what follows it must close the array)
    _plain(text, offset)
    last = max((i for i, p in enumerate(pieces) if _NAMED in p), default=None)
    if last is None:
        raise _Refused("no CVR at the end of the array")
    texts.add(pieces[:last], line, text, offset, sep)
    where = offset + sum(len(p) + len(sep) for p in pieces[:last])
    line += text.count(b"\n", offset, where)
    cvr, rest = _last_cvr(text[where:])
    _check_rest(rest, election)
    return _records(texts, decode, election, (cvr, line))


def _first(handle: Any, text: bytes, start: int) -> tuple[bytes, bytes]:
    """The text read so far, grown until it holds the first CVR and what follows it, and the
    separator between CVRs."""
    while True:
        try:
            decoded = text[start:].decode("utf-8", "replace")  # a bad byte: refused later
            _, length = json.JSONDecoder().raw_decode(decoded)
            return text, _separator(text, start, start + len(decoded[:length].encode("utf-8")))
        except (ValueError, _Refused):
            more = handle.read(_CHUNK)
            if not more or len(text) > 4 * _CHUNK:
                raise
            text += more


def _separator(text: bytes, start: int, end: int) -> bytes:
    """What stands between the first CVR's content and the second's: its closing indent,
    ``}``, the comma and the second's ``{``."""
    close = text.rindex(b"}", start, end)
    indent = close
    while indent > start and text[indent - 1 : indent] in (b" ", b"\n", b"\r", b"\t"):
        indent -= 1
    following = re.compile(rb"\s*,\s*\{").match(text, end)
    if following is None:
        raise _Refused("one CVR only, or something other than a CVR after it")
    return text[indent : following.end()]


def _plain(text: bytes, offset: int) -> None:
    if text.find(b"\\", offset) >= 0:  # no copy of the text
        raise _Refused("a backslash in the CVRs")
    if not text.isascii():
        text[offset:].decode("utf-8")  # UnicodeDecodeError: read exactly, which reports it


def _last_cvr(carry: bytes) -> tuple[dict[str, Any], bytes]:
    """The last CVR (decoded exactly) and what follows the array."""
    body = "{" + carry.decode("utf-8")
    cvr, end = json.JSONDecoder().raw_decode(body)
    closing = re.compile(r"\s*\]\s*").match(body, end)
    if closing is None or not isinstance(cvr, dict):
        raise _Refused("the CVR array does not end after its last CVR")
    return cvr, body[closing.end() :].encode("utf-8")


def _check_rest(rest: bytes, election: Election) -> None:
    """The members after the CVR array: the ``Election`` and ``GpUnit`` the count used."""
    tail = rest.strip()
    if tail == b"}":
        return
    if not tail.startswith(b","):
        raise _Refused("the report goes on oddly after its CVRs")
    objects: list[list[tuple[str, Any]]] = []  # innermost first: the report's own comes last

    def pairs(found: list[tuple[str, Any]]) -> dict[str, Any]:
        objects.append(found)
        return dict(found)

    json.loads(b"{" + tail[1:], object_pairs_hook=pairs)
    for key, value in objects[-1]:  # every member, a repeated one too, as the exact reader
        if key in election.members and value != election.members[key]:
            raise _Refused(f"the report's {key} is not the one found at its end")


def _split(key: bytes) -> tuple[bytes, bytes | None]:
    """The text with its unit's value replaced by a token, and that value quoted (None: no
    unit, or two: the text stands on its own)."""
    unit = _UNIT.search(key)
    if unit is None or _UNIT.search(key, unit.end()) is not None:
        return key, None
    return key[: unit.start(1)] + UNIT + key[unit.end(1) :], unit.group(1)


def _records(
    texts: _Texts, decode: Decode, election: Election, last: tuple[dict[str, Any], int]
) -> list[tuple[CastVoteRecord, int]]:
    """A record for each distinct text, decoded by the exact reader's code.

    Texts that differ only in their ``BallotStyleUnitId`` (the same ballot in another
    precinct) are decoded once: the unit only names the record's precinct. So the first such
    text is decoded (and its unit checked to be the CVR's own), the others take its record
    with their own precinct, line and ballot id.
    """
    found: list[tuple[CastVoteRecord, int]] = []
    decoder = json.JSONDecoder()
    read: dict[bytes, CastVoteRecord | None] = {}  # the text, unit replaced -> first record
    precincts: dict[bytes, Any] = {}  # a unit's quoted value -> its precinct
    for key, count in texts.counts.items():
        line, ballot = texts.first[key]
        general, unit = texts.split.get(key) or _split(key)
        if general in read:
            first = read[general]
            if first is None or unit is None:
                continue  # the contest is not on this ballot
            # JSON strings without a backslash (the fast path has none): their bytes inside
            vendor = first.vendor_id if ballot is None else ballot[1:-1].decode("utf-8")
            if unit not in precincts:
                precincts[unit] = election.precincts.get(unit[1:-1].decode("utf-8"))
            precinct = precincts[unit]
            record: CastVoteRecord | None = CastVoteRecord(
                first.where, line, first.record_id, vendor, first.contest_id,
                first.tabulator_id, first.batch, precinct, first.precinct_portion,
                first.ranks, first.first_column,
            )  # fmt: skip
        else:
            cvr = decoder.decode("{" + key.decode("utf-8") + "}")
            if not isinstance(cvr, dict):
                raise _Refused("a CVR is not an object")
            if unit is not None and cvr.get("BallotStyleUnitId") != json.loads(unit):
                raise _Refused("a BallotStyleUnitId that is not the CVR's own")
            if ballot is not None:
                cvr["BallotPrePrintedId"] = json.loads(ballot)
            record = read[general] = decode(cvr, line, "")
        if record is not None:
            found.append((record, count))
    record = decode(last[0], last[1], "")
    if record is not None:
        found.append((record, 1))
    return found
