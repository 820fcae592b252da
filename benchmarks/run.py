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
import subprocess
import sys
from collections import defaultdict
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
    subprocess.run(argv, check=True)


def load() -> list[dict]:
    path = OUT / "results.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def table(records: list[dict]) -> str:
    """Markdown: per (N, method), shortlist's wall time and its ratio to every other runner."""
    latest: dict[tuple[int, str, str], dict] = {}
    for r in records:
        latest[(r["n"], r["method"], r["peer"])] = r
    by = defaultdict(dict)
    for (n, method, peer), r in latest.items():
        by[(n, method)][peer] = r
    floors = {n: by[(n, "parse")].get("floor-pyarrow") for (n, m) in by if m == "parse"}
    lines = [
        "| N | method | shortlist wall s | peak MiB | fastest peer (wall s) | "
        "× faster than fastest peer | × pyarrow read floor | all runners (wall s) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n, method in sorted(k for k in by if k[1] != "parse"):
        runs = by[(n, method)]
        ours = runs.get("shortlist")
        if not ours or ours.get("status") != "ok":
            continue
        peers = {
            p: r
            for p, r in runs.items()
            if p != "shortlist" and r.get("status") == "ok" and p != "ref-numpy"
        }
        fastest = min(peers.items(), key=lambda kv: kv[1]["wall"]) if peers else None
        floor = floors.get(n)
        floor_wall = floor["wall"] if floor and floor.get("status") == "ok" else None
        others = ", ".join(
            f"{p} {r['wall']:.2f}" if r.get("status") == "ok" else f"{p} {r['status']}"
            for p, r in sorted(runs.items())
            if p != "shortlist"
        )
        lines.append(
            f"| {n:.0e} | {method} | {ours['wall']:.2f} | {ours.get('maxrss_mib')} | "
            + (f"{fastest[0]} ({fastest[1]['wall']:.2f})" if fastest else "–")
            + " | "
            + (f"{fastest[1]['wall'] / ours['wall']:.1f}" if fastest else "–")
            + " | "
            + (f"{ours['wall'] / floor_wall:.2f}" if floor_wall else "–")
            + f" | {others} |"
        )
    return "\n".join(lines)


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
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args()
    if not args.report_only:
        run(args)
    write_readme(load())
    print((HERE / "README.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
