"""Time RCTab contests end to end on the Minneapolis 2017 CVR replicated to millions of ballots.

RCTab publishes about 5 minutes for 10^6 ballots and about 30 minutes for 6x10^6 (issue 4).
This script builds, under a scratch folder (never in the repository):

* an ES&S xlsx: the 105,928 rows of the Minneapolis 2017 mayoral CVR repeated (precinct,
  three choices, count) to the size asked, written as xlsx XML straight into a zip;
* the equivalent NIST CDF JSON (one CVR per ballot, the CVRs before the election, as RCTab
  writes them), with precincts as GpUnits;
* a copy of the case's contest config pointing at each (same rules, candidates and labels),

then runs ``shortlist tabulate CONFIG --format rctab-json -o OUT`` as a child process (start-up,
reading, counting per precinct as the config asks, writing) and, separately, a child that only
reads the CVRs (``read_sources``). Wall time and the child's peak memory (``ru_maxrss`` from
``wait4``) go into ``benchmarks/rctab.md``.

    .venv/bin/python benchmarks/rctab_cvr.py                 # 10^6 ballots
    .venv/bin/python benchmarks/rctab_cvr.py --sizes 1e6,6e6 # and 6x10^6 (minutes, ~2 GB disk)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "tests" / "cases" / "rctab" / "2017_minneapolis_mayor"
SHEET_COPY = (
    ROOT / "tests" / "cases" / "rctab_csv" / "2017_minneapolis_mayor"
    / "2017_minneapolis_mayor_cvr.xlsx.csv"
)  # fmt: skip
CONFIG = CASE / "2017_minneapolis_mayor_config.json"
PYTHON = ROOT / ".venv" / "bin" / "python"
SHORTLIST = ROOT / ".venv" / "bin" / "shortlist"
RESULTS = ROOT / "benchmarks" / "rctab.md"
RCTAB_SECONDS = {10**6: 5 * 60, 6 * 10**6: 30 * 60}  # RCTab's published times (issue 4)

Row = tuple[str, ...]


def base_rows() -> tuple[Row, list[Row]]:
    """Header and ballot rows of the Minneapolis 2017 sheet (from its lossless CSV copy)."""
    with SHEET_COPY.open(newline="", encoding="utf-8") as handle:
        rows = [tuple(r) for r in csv.reader(handle)]
    return rows[0], rows[1:]


# -- the ES&S workbook ------------------------------------------------------------------------

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://'
        'schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Marked '
        'Sheet" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    ),
}


def write_xlsx(path: Path, header: Row, rows: list[Row], size: int) -> None:
    """The sheet's rows repeated to ``size`` ballots, as an xlsx of shared strings."""
    strings: dict[str, int] = {}
    for row in [header, *rows]:
        for cell in row[:4]:
            strings.setdefault(cell, len(strings))
    letters = "ABCD"

    def cells(row: Row) -> str:
        out = "".join(
            f'<c r="{letters[j]}{{n}}" t="s"><v>{strings[v]}</v></c>'
            for j, v in enumerate(row[:4])
            if v != ""
        )
        return out + '<c r="E{n}"><v>1</v></c>'

    templates = [cells(r) for r in rows]
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://'
        'schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:E'
        f'{size + 1}"/><sheetData>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, text in _PARTS.items():
            book.writestr(name, text)
        sst = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
        book.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.'
            f'openxmlformats.org/spreadsheetml/2006/main" uniqueCount="{len(strings)}">{sst}</sst>',
        )
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(head.encode())
            header_cells = "".join(
                f'<c r="{"ABCDE"[j]}1" t="s"><v>{strings.get(v, 0)}</v></c>'
                for j, v in enumerate(header[:4])
            )
            sheet.write(f'<row r="1" spans="1:5">{header_cells}</row>'.encode())
            batch: list[str] = []
            for i in range(size):
                n = i + 2
                body = templates[i % len(templates)].format(n=n)
                batch.append(f'<row r="{n}" spans="1:5">{body}</row>')
                if len(batch) == 20000:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write(("".join(batch) + "</sheetData></worksheet>").encode())


# -- the CDF JSON -----------------------------------------------------------------------------


MARK = (
    '{"ContestSelectionId":"SELECTION","SelectionPosition":[{"HasIndication":"yes",'
    '"IsAllocable":"unknown","NumberVotes":1,"Rank":RANK}]}'
)
#: One CVR; ``%(n)d`` is its number (the ids must differ, as in real files).
CVR = (
    '{"@type":"CVR","BallotPrePrintedId":"%(n)d","BallotStyleUnitId":"UNIT",'
    '"CVRSnapshot":[{"@id":"s-%(n)d","CVRContest":[{"CVRContestSelection":[MARKS],'
    '"ContestId":"contest-1"}],"Type":"original"}],"CurrentSnapshotId":"s-%(n)d",'
    '"ElectionId":"election-1"}'
)


def write_cdf(path: Path, rows: list[Row], size: int, candidates: list[str], name: str) -> None:
    """The same ballots as a CDF report: CVRs first, then the election and the precincts."""
    selection = {c: f"cs-{i}" for i, c in enumerate(candidates)}
    selection["overvote"] = "cs-over"
    selection["UWI"] = "cs-uwi"
    precincts: dict[str, str] = {}
    templates = []
    for row in rows:
        unit = precincts.setdefault(row[0], f"gpu-{len(precincts) + 1}")
        marks = [
            MARK.replace("SELECTION", selection[v.strip()]).replace("RANK", str(r))
            for r, v in enumerate(row[1:4], start=1)
            if v.strip() not in ("", "undervote")
        ]
        templates.append(CVR.replace("UNIT", unit).replace("MARKS", ",".join(marks)))
    named = [(c, f"c-{i}") for i, c in enumerate(candidates)] + [("overvote", "c-over")]
    election = {
        "@id": "election-1",
        "Candidate": [{"@id": cid, "Name": n} for n, cid in named],
        "Contest": [
            {
                "@id": "contest-1",
                "Name": name,
                "ContestSelection": [
                    *({"@id": selection[n], "CandidateIds": [cid]} for n, cid in named),
                    {"@id": "cs-uwi", "IsWriteIn": "true"},
                ],
            }
        ],
    }
    units = [{"@id": "gpu-0", "Name": "Minneapolis", "Type": "other"}]
    units += [{"@id": u, "Name": p, "Type": "precinct"} for p, u in precincts.items()]
    with path.open("w", encoding="utf-8") as out:
        out.write('{"@type":"CVR.CastVoteRecordReport","CVR":[\n')
        for i in range(size):
            template = templates[i % len(templates)]
            out.write(("" if i == 0 else ",\n") + template % {"n": i + 1})
        out.write(f'\n],"Election":[{json.dumps(election)}],"GpUnit":{json.dumps(units)},')
        out.write('"ReportGeneratingDeviceIds":["rd-1"],"ReportingDevice":[{"@id":"rd-1"}],')
        out.write('"Party":[],"Version":"1.0.0"}\n')


# -- configs and runs -------------------------------------------------------------------------


def write_configs(folder: Path, xlsx: Path, cdf: Path) -> tuple[Path, Path]:
    config = json.loads(CONFIG.read_text(encoding="utf-8"))
    (source,) = config["cvrFileSources"]
    ess = dict(config, cvrFileSources=[dict(source, filePath=str(xlsx))])
    cdf_source = dict(
        source,
        provider="cdf",
        filePath=str(cdf),
        contestId=config["outputSettings"]["contestName"],
        firstVoteColumnIndex="",
        firstVoteRowIndex="",
        precinctColumnIndex="",
        skippedRankLabel="",
    )
    # RCTab does not tabulate CDF files by precinct (its config validation refuses it)
    settings = dict(config["outputSettings"], tabulateByPrecinct=False)
    as_cdf = dict(config, cvrFileSources=[cdf_source], outputSettings=settings)
    paths = (folder / f"{xlsx.stem}_ess_config.json", folder / f"{cdf.stem}_cdf_config.json")
    for path, doc in zip(paths, (ess, as_cdf), strict=True):
        path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return paths


@dataclass
class Run:
    seconds: float
    peak_mib: float
    ok: bool
    note: str
    cpu: float = 0.0  # user + system seconds of the child (all its threads)


def run_child(argv: list[str]) -> Run:
    """Wall time and peak resident memory of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    out = (child.stdout.read() if child.stdout else "") + (
        child.stderr.read() if child.stderr else ""
    )
    ok = os.waitstatus_to_exitcode(status) == 0
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, usage.ru_maxrss / 1024, ok, "" if ok else out.strip()[-300:], cpu)


READ_ONLY = """
import sys, time
from shortlist.formats.rctab.config import read_config
from shortlist.formats.rctab.cvr import read_sources
config = read_config(sys.argv[1])
records = read_sources(config.sources, config.candidates, max_rankings=config.rules.max_rankings)
print(records.record_count, records.profile.n_rows)
"""


def measure(config: Path, out: Path) -> tuple[Run, Run]:
    read = run_child([str(PYTHON), "-c", READ_ONLY, str(config)])
    tabulate = run_child(
        [str(SHORTLIST), "tabulate", str(config), "--format", "rctab-json", "-o", str(out)]
    )
    if tabulate.ok:
        summary = json.loads(out.read_text(encoding="utf-8"))["summary"]
        tabulate.note = f"{summary['totalNumBallots']} ballots counted"
    return read, tabulate


def size_label(size: int) -> str:
    return f"{size // 10**6}×10^6" if size % 10**6 == 0 else f"{size:,}"


def table(lines: list[tuple[str, int, float, Run, Run]]) -> str:
    out = [
        "| CVR | ballots | file | read only: s | read: peak MiB | `tabulate`: s | "
        "`tabulate`: CPU s | `tabulate`: peak MiB | RCTab (published) | × RCTab |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, size, mib, read, tab in lines:
        rctab = RCTAB_SECONDS.get(size)
        ratio = f"{rctab / tab.seconds:,.0f}×" if rctab and tab.ok else "–"
        tab_s = f"{tab.seconds:.1f}" if tab.ok else f"failed: {tab.note}"
        read_s = f"{read.seconds:.1f}" if read.ok else f"failed: {read.note}"
        out.append(
            f"| {kind} | {size_label(size)} | {mib:,.0f} MiB | {read_s} | "
            f"{read.peak_mib:,.0f} | {tab_s} | {tab.cpu:.1f} | {tab.peak_mib:,.0f} | "
            f"{f'~{rctab // 60} min' if rctab else '–'} | {ratio} |"
        )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1e6", help="ballot counts, e.g. 1e6,6e6")
    parser.add_argument("--workdir", default="/tmp/shortlist-rctab-bench", type=Path)
    parser.add_argument("--no-write", action="store_true", help=f"do not rewrite {RESULTS}")
    parser.add_argument(
        "--cdf-max", default="1e6", help="largest size also run as CDF JSON (it is slower)"
    )
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    # byte-compile the project as an installed wheel is, so that start-up is not charged for
    # compiling sources when PYTHONDONTWRITEBYTECODE is set (as on the project's machines)
    subprocess.run([str(PYTHON), "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    header, rows = base_rows()
    config = json.loads(CONFIG.read_text(encoding="utf-8"))
    candidates = [c["name"] for c in config["candidates"]]
    lines = []
    load = os.getloadavg()[0]  # other jobs on the machine: wall times wait for a core
    cdf_max = int(float(args.cdf_max))
    for size in (int(float(s)) for s in args.sizes.split(",")):
        xlsx = args.workdir / f"minneapolis_2017_x{size}.xlsx"
        cdf = args.workdir / f"minneapolis_2017_x{size}.json"
        contest = config["outputSettings"]["contestName"]
        for path, write in (
            (xlsx, lambda p, n=size: write_xlsx(p, header, rows, n)),
            (cdf, lambda p, n=size, c=contest: write_cdf(p, rows, n, candidates, c)),
        ):
            if path == cdf and size > cdf_max:
                continue
            if not path.exists():
                start = time.perf_counter()
                write(path)
                print(f"wrote {path} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        for kind, cvr, conf in zip(
            ("ES&S xlsx", "CDF JSON"), (xlsx, cdf), write_configs(args.workdir, xlsx, cdf),
            strict=True,
        ):  # fmt: skip
            if cvr == cdf and size > cdf_max:
                continue
            read, tab = measure(conf, args.workdir / f"{conf.stem}_report.json")
            mib = cvr.stat().st_size / 2**20
            print(f"{kind} {size}: read {read.seconds:.1f} s, tabulate {tab.seconds:.1f} s "
                  f"{tab.peak_mib:.0f} MiB {tab.note}", file=sys.stderr)  # fmt: skip
            lines.append((kind, size, mib, read, tab))
    text = table(lines)
    print(text)
    if not args.no_write:
        write_results(text, load)


NOTES = """\
Notes:

* Wall time is what the table's ratio uses; CPU time (user + system, all threads) is given too,
  because on a shared machine wall time also counts the waits for a core. The xlsx reader uses
  a second thread to inflate the sheet, so its CPU time can exceed its wall time.
* Memory stays flat from 10^6 to 6×10^6 ballots: records are grouped into distinct ballots
  (about 30,000 here: ballot × precinct) as they are read; nothing holds the whole file.
* ES&S xlsx (`cvr/workbook.py`, `cvr/xlsx.py`, `cvr/ess.py`): the first sheet and its shared
  strings are read straight from the archive (openpyxl, a third of a second to import, only
  for workbooks that reader declines: rich-text or escaped shared strings, odd packages); the
  sheet is inflated on its own thread (zlib lets go of the interpreter), 4 MiB at a time, while
  the rows of each chunk are counted in bulk on bytes: split at `</row>`, each row's number
  taken out with one `bytes.replace` (its own `N"` endings), identical rows counted by a
  `Counter`. Every body not seen before is checked (its tag must read `<row r=""`, hold one row
  and no text cell), so a gap in the numbering, a self-closing row or a text cell sends that
  chunk to the row-by-row reader. Distinct rows are then parsed once, each distinct cell once,
  and rows that differ only in their precinct cell (the same ballot in another precinct:
  ~30,000 distinct rows, ~3,000 distinct ballots) share one parse of their ranks.
  Profile at 10^6 rows (py-spy, main thread): the bulk counting is about two thirds (the
  per-row `replace` and the `Counter` most of it: about 1 s of CPU), the count with its 132
  per-precinct tabulations about 0.45 s, start-up (numpy) about 0.25 s, parsing the distinct
  rows about 0.17 s; inflating (about 0.5 s of CPU) runs on the other thread. Tried and
  dropped: counting rows with numpy (finding the row numbers, hashing each row's words,
  verifying against its group's first: about 1.5 s, no faster than the bytes path), pyarrow's
  `split_pattern` + `replace_substring_regex` (3.4 s for the regular expression alone),
  inflating in a child process (no less work on the main thread).
* CDF JSON (`cvr/cdf_parts.py`, `cvr/cdf_bulk.py`, `cvr/cdf_words.py`, `cvr/cdf_fast.py`): a
  report written one CVR a line (`},\\n{` between CVRs, as here) is grouped in bulk with numpy,
  without a Python object per CVR, on both cores: it is cut at a CVR line near its middle and
  a forked child groups the second half (reading with `os.pread`) while the parent groups the
  first, which must end exactly at the cut; the child's groups are sent back and renumbered by
  their text (Linux, and only with no other thread running: else one part). In each part a
  helper thread reads each 8 MiB and prepares it (the lines found, one `bytes.find` a line;
  the ids `BallotPrePrintedId`, `BallotStyleUnitId`, the snapshot's `@id` and
  `CurrentSnapshotId` looked for where the read's first line has them, else by their keys'
  rare bytes anywhere, their values read two 8-byte words at a time with bit tricks for the
  closing quote and control bytes, and overwritten in place by a byte of their own) while the
  other thread hashes, groups and VERIFIES the read before. Each line gets a 64-bit polynomial
  hash of the words holding it and of where it starts in a word (prefix sums over the read:
  two passes over its words, the bytes of the lines on either side taken out); lines with one
  hash form a group, groups whose first lines are equal are one, and every read is verified:
  the groups' first lines, joined, must equal the read byte for byte (a collision or anything
  the hash missed refuses the file). At the end each group becomes the text the previous fast
  path counted (tokens for the ids, the unit put back), each distinct text's keys are checked
  in full, no id's value may equal any string of the distinct texts or a unit of its read,
  and the distinct texts are decoded by the exact reader's code (2,960 decodes; each text's
  unit handed over, not searched for again). `shortlist tabulate` tells glibc to keep freed blocks
  (each read's arrays otherwise cost ~0.7 s of page faults; the readers leave that to the
  command), which the read-only child does not. Anything else (another layout, a backslash, a
  raw control byte, an id over 15 bytes, a key in some CVRs only, a failed check) goes to the
  previous fast path (cut at the separator, ids replaced by tokens per CVR), which sends what
  it cannot vouch for to the exact decoder. Peak memory is the larger of the two processes
  (they share the parent's pages until written). Work measured in one process, reads one
  after the other (load ~1): preparing ~1.0-1.2 s of CPU (the ids ~0.4-0.5 s, the lines
  ~0.2 s, overwriting ~0.2 s), merging ~1.0-1.2 s (hashes ~0.4 s, groups ~0.35 s, pairs
  ~0.15 s, verification ~0.15 s), reading ~0.16 s; then the distinct texts ~0.2 s, the
  records ~0.2 s, start-up ~0.3 s. Two threads alone saved only ~0.3-0.5 s of wall time
  (each thread's CPU grew by a third: they share one interpreter lock), two processes do not
  slow each other down. Interleaved runs at 10^6 before/after (load ~0.5): 3.9-4.5 -> 2.4-2.5 s
  wall. Tried and dropped: the hash computed a cache-sized block at a time, 1-32 MiB reads (no
  faster), numpy for the line ends (slower than `find` for lines of ~560 bytes).
* RCTab does not tabulate CDF sources by precinct, so the CDF config has `tabulateByPrecinct`
  off; the xlsx config is the case's own (by precinct on).
"""


def write_results(text: str, load: float) -> None:
    stamp = time.strftime("%Y-%m-%d")
    cpu = os.cpu_count()
    RESULTS.write_text(
        "# RCTab contests at scale\n\n"
        "`benchmarks/rctab_cvr.py` replicates the Minneapolis 2017 mayoral CVR (105,928 ballots, "
        "132 precincts) to the sizes below as an ES&S xlsx and as the equivalent CDF JSON, "
        "then times `shortlist tabulate CONFIG --format rctab-json -o OUT` end to end in a "
        "fresh process (start-up, reading, counting with the case's rules including its "
        "per-precinct tabulation, writing the report), and separately a process that only reads "
        "the CVRs. Peak memory is the child's `ru_maxrss`. RCTab's published times: about 5 "
        "minutes for 10^6 ballots, about 30 minutes for 6×10^6 (issue 4).\n\n"
        f"Run {stamp} on a shared machine ({cpu} cores, load average {load:.1f} when it "
        "started: wall times include waits for a core); rerun with "
        "`.venv/bin/python benchmarks/rctab_cvr.py --sizes 1e6,6e6`.\n\n"
        f"{text}\n\n{NOTES}",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
