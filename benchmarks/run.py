"""Time shortlist beside the Python peers, in one run, and write the ratios to README.md.

Runs ``shared/bench/peers_bench.py`` (generated ballots: 12 candidates, at most 6 ranks) with
``--cmd`` so that ``shortlist tabulate`` (a fresh process, start-up included, reading the CSV)
is timed in the same run as pref_voting, votekit, pyrankvote, pyrcv, the harness's numpy
reference and its pyarrow read floor. Peers are installed into ``benchmarks/.venv-peers``
(created on first use). Results go to ``benchmarks/out/`` (raw) and the table of ratios into
the section between the markers of ``benchmarks/README.md``.

Usage::

    .venv/bin/python benchmarks/run.py                  # 1e4, 1e5, 1e6; irv, stv, schulze
    .venv/bin/python benchmarks/run.py --sizes 1e7 --methods irv --peers floor-pyarrow,ref-numpy
    .venv/bin/python benchmarks/run.py --report-only    # rebuild the table from benchmarks/out
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HARNESS = ROOT.parent / "shared" / "bench" / "peers_bench.py"
PEERS_VENV = HERE / ".venv-peers"
PEER_PACKAGES = ["numpy", "pyarrow", "pandas", "pref_voting", "votekit", "pyrankvote", "pyrcv"]
OUT = HERE / "out"
SHORTLIST = ROOT / ".venv" / "bin" / "shortlist"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
METHOD_FLAGS = {
    "irv": "--method irv",
    "stv": "--method stv-wigm --seats {seats}",
    "schulze": "--method schulze",
}


def ensure_peers() -> Path:
    python = PEERS_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PEER_PACKAGES], check=True)
    return python


def run(args: argparse.Namespace) -> None:
    python = ensure_peers()
    started = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
    load = os.getloadavg()[0]
    # Byte-compile the project as an installed wheel would be (the peers' wheels are), so that
    # start-up is not charged for compiling sources when PYTHONDONTWRITEBYTECODE is set.
    subprocess.run(
        [str(SHORTLIST.parent / "python"), "-m", "compileall", "-q", str(ROOT / "src")], check=True
    )
    # one template per method: the harness picks each template's method from its words
    cmds = []
    for method in args.methods.split(","):
        if method in METHOD_FLAGS:
            cmds += [
                "--cmd",
                f"shortlist={SHORTLIST} tabulate {{csv}} {METHOD_FLAGS[method]} "
                f"--format json #{method}",
            ]
    argv = [
        str(python),
        str(HARNESS),
        "run",
        "--sizes",
        args.sizes,
        "--methods",
        "parse," + args.methods,
        "--out",
        str(OUT),
        "--timeout",
        str(args.timeout),
        "--budget",
        str(args.budget),
        "--seats",
        "3",
        *cmds,
    ]
    if args.peers:
        argv += ["--peers", args.peers]
    path = OUT / "results.jsonl"
    for repeat in range(args.repeat):
        before = len(path.read_text().splitlines()) if path.exists() else 0
        subprocess.run(argv, check=True)
        tag_run(path, before, started, load, repeat)


def tag_run(path: Path, before: int, run: str, load: float, repeat: int = 0) -> None:
    """Mark the records this pass added with the run's start, the load then and the pass, so
    that the table compares shortlist only with runners timed in the same run."""
    lines = path.read_text().splitlines()
    tagged = [
        json.dumps({**json.loads(x), "run": run, "load": round(load, 1), "pass": repeat})
        for x in lines[before:]
    ]
    path.write_text("\n".join(lines[:before] + tagged) + "\n")


def load() -> list[dict]:
    path = OUT / "results.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def table(records: list[dict]) -> str:
    """Markdown: per (N, method), shortlist against every runner timed in shortlist's latest
    run. A run of several passes (``--repeat``) is summed up by each runner's best wall time
    over its passes (the same rule for every runner: the least disturbed timing on a shared
    machine), and each pass's own ratio is listed too."""
    latest: dict[tuple[int, str], str | None] = {}
    for r in records:
        if r["peer"] == "shortlist":
            latest[(r["n"], r["method"])] = r.get("run")
    lines = [
        "| N | method | shortlist wall s | peak MiB | fastest peer (wall s) | "
        "× faster than fastest peer | each pass | × pyarrow read floor | load | "
        "all runners (wall s) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n, method in sorted(latest):
        run = latest[(n, method)]
        mine = [r for r in records if r.get("run") == run and r["n"] == n]
        if run is None:  # records from before runs were tagged: each runner's latest
            mine = list({(r["method"], r["peer"]): r for r in mine}.values())
        best = _best([r for r in mine if r["method"] == method])
        ours = best.get("shortlist")
        if not ours or ours.get("status") != "ok":
            continue
        peers = {
            p: r
            for p, r in best.items()
            if p not in ("shortlist", "ref-numpy") and r.get("status") == "ok"
        }
        fastest = min(peers.items(), key=lambda kv: kv[1]["wall"]) if peers else None
        floor = _best([r for r in mine if r["method"] == "parse"]).get("floor-pyarrow")
        floor_wall = floor["wall"] if floor and floor.get("status") == "ok" else None
        others = ", ".join(
            f"{p} {r['wall']:.2f}" if r.get("status") == "ok" else f"{p} {r['status']}"
            for p, r in sorted(best.items())
            if p != "shortlist"
        )
        lines.append(
            f"| {n:.0e} | {method} | {ours['wall']:.2f} | {ours.get('maxrss_mib')} | "
            + (f"{fastest[0]} ({fastest[1]['wall']:.2f})" if fastest else "–")
            + " | "
            + (f"{fastest[1]['wall'] / ours['wall']:.1f}" if fastest else "–")
            + f" | {_each_pass([r for r in mine if r['method'] == method])}"
            + " | "
            + (f"{ours['wall'] / floor_wall:.2f}" if floor_wall else "–")
            + f" | {ours.get('load', '–')} | {others} |"
        )
    return "\n".join(lines)


def _best(records: list[dict]) -> dict[str, dict]:
    """Each runner's record of least wall time (one that ran, else its last)."""
    best: dict[str, dict] = {}
    for r in records:
        held = best.get(r["peer"])
        ran = r.get("status") == "ok"
        if held is None or (ran and (held.get("status") != "ok" or r["wall"] < held["wall"])):
            best[r["peer"]] = r
    return best


def _each_pass(records: list[dict]) -> str:
    """Each pass's ratio of its fastest peer to shortlist, in order ("–" for a single pass)."""
    passes = sorted({r.get("pass", 0) for r in records})
    if len(passes) < 2:
        return "–"
    ratios = []
    for number in passes:
        these = {r["peer"]: r for r in records if r.get("pass", 0) == number}
        ours = these.get("shortlist")
        walls = [
            r["wall"]
            for p, r in these.items()
            if p not in ("shortlist", "ref-numpy") and r.get("status") == "ok"
        ]
        if ours and ours.get("status") == "ok" and walls:
            ratios.append(f"{min(walls) / ours['wall']:.1f}")
    return ", ".join(ratios)


def write_readme(records: list[dict]) -> None:
    readme = HERE / "README.md"
    text = readme.read_text(encoding="utf-8")
    facts = OUT / "machine.json"
    machine = json.loads(facts.read_text()) if facts.exists() else {}
    block = f"{BEGIN}\n\nMachine: {json.dumps(machine)}\n\n{table(records)}\n\n{END}"
    start, end = text.index(BEGIN), text.index(END) + len(END)
    readme.write_text(text[:start] + block + text[end:], encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1e4,1e5,1e6")
    parser.add_argument("--methods", default="irv,stv,schulze")
    parser.add_argument("--peers", default=None)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--budget", type=float, default=3000)
    parser.add_argument(
        "--repeat", type=int, default=1, help="passes in this run (each runner's best is kept)"
    )
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args()
    if not args.report_only:
        run(args)
    write_readme(load())
    print((HERE / "README.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
