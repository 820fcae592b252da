"""Load benchmark of casting through the web app (issue 7, item 7): not a test.

Starts a throwaway PostgreSQL server (tests/postgres_server.py), loads an edition with one open
ranked round and N members, gives each member an API token, serves the app with
``shortlist serve --workers W`` on a loopback port, and casts one ballot per member through
``PUT /api/v1/member/rounds/{category}/{round}/ballot`` with C concurrent clients. Then:

1. **steady**: ballots per second, latency p50/p99, and every acknowledged ballot's tracker found
   on the round's board afterwards;
2. **kill -9**: the same with the server's whole process group killed with SIGKILL halfway and
   restarted; requests in flight get no answer (not acknowledged) and are retried, as a voter
   would; every ballot acknowledged before or after the kill must be in the box: 0 lost.

Only loopback traffic. Run: ``.venv/bin/python benchmarks/load.py [--ballots 4000]
[--concurrency 32] [--workers 2]``; it prints a Markdown table for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from postgres_server import Server  # noqa: E402
from shortlist.domain.edition_file import read_edition  # noqa: E402
from shortlist.domain.model import Member, MemberStatus  # noqa: E402
from shortlist.service import access, editions, rounds, sealing  # noqa: E402
from shortlist.service.clock import SystemClock  # noqa: E402
from shortlist.service.refs import RoundRef  # noqa: E402
from shortlist.store.account_repositories import Tokens  # noqa: E402
from shortlist.store.database import Database  # noqa: E402

REF = RoundRef("load", "picture", "final")
ENTRIES = [f"e{i}" for i in range(10)]


def edition_text(now: datetime) -> str:
    opens = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M UTC")
    closes = (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M UTC")
    entries = "\n".join(
        f'  [[categories.entries]]\n  key = "{key}"\n  title = "Film {key}"' for key in ENTRIES
    )
    return f"""
[edition]
key = "load"
name = "Load Awards"
body = "Benchmark Academy"
timezone = "UTC"

[[branches]]
code = "all"
name = "Everyone"

[[categories]]
key = "picture"
name = "Best Picture"
{entries}

  [[categories.rounds]]
  key = "final"
  opens = "{opens}"
  closes = "{closes}"
  ballot = {{ kind = "rank", max_ranks = 5 }}
  method = "irv"
"""


def prepare(url: str, members: int) -> list[str]:
    """The edition loaded, the round sealed and open; one API token per member."""
    database = Database(url)
    database.migrate()
    clock = SystemClock()
    roll = [
        Member(f"m{i:06d}", f"Member {i}", MemberStatus.ACTIVE, frozenset({"all"}))
        for i in range(members)
    ]
    tokens = []
    with database.unit_of_work() as uow:
        edition = read_edition("load.toml", text=edition_text(clock.now()))
        editions.load_edition(uow, edition, roll, clock, "bench")
        sealing.seal_simulated(uow, REF, clock, "bench", 2)
        rounds.open_round(uow, REF, clock, "bench")
        store = Tokens(uow.connection)
        expires = clock.now() + timedelta(hours=2)
        for member in roll:
            token = secrets.token_urlsafe(24)
            store.add(token, access.API, f"load/{member.number}", clock.now(), expires)
            tokens.append(token)
        uow.commit()
    database.dispose()
    return tokens


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class WebServer:
    def __init__(self, url: str, port: int, workers: int) -> None:
        self.url, self.port, self.workers = url, port, workers
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "SHORTLIST_DATABASE": self.url,
            "SHORTLIST_SECRET_KEY": "b" * 40,
            "SHORTLIST_CASTS_PER_MINUTE": "1000000",
        }
        command = [
            str(ROOT / ".venv" / "bin" / "shortlist"), "serve", "--no-migrate",
            "--port", str(self.port), "--workers", str(self.workers),
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, env=env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/api/v1/health").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError("the web server did not start within 60 s")

    def kill(self) -> None:
        """SIGKILL to the server's own process group (the master and its workers)."""
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    trackers: set[str] = field(default_factory=set)
    unanswered: int = 0
    refused: dict[int, int] = field(default_factory=dict)


async def cast_all(port: int, tokens: list[str], concurrency: int, outcome: Outcome) -> None:
    """Each member casts once; a request the server never answered (it was killed) is retried
    after a pause, as a voter would, until answered."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for token in tokens:
        queue.put_nowait(token)
    url = f"http://127.0.0.1:{port}/api/v1/member/rounds/{REF.category}/{REF.round}/ballot"
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def worker(seed: int) -> None:
            ranking = (ENTRIES[seed % 10 :] + ENTRIES[: seed % 10])[:5]
            while not queue.empty():
                token = queue.get_nowait()
                started = time.perf_counter()
                try:
                    response = await client.put(
                        url, json={"ranking": ranking}, headers={"Authorization": f"Bearer {token}"}
                    )
                except httpx.TransportError:
                    outcome.unanswered += 1
                    queue.put_nowait(token)  # not acknowledged: the voter tries again
                    await asyncio.sleep(0.5)
                    continue
                if response.status_code == 200:
                    outcome.latencies.append(time.perf_counter() - started)
                    outcome.trackers.add(response.json()["tracker"])
                else:
                    outcome.refused[response.status_code] = (
                        outcome.refused.get(response.status_code, 0) + 1
                    )

        await asyncio.gather(*(worker(i) for i in range(concurrency)))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def stored_trackers(url: str) -> set[str]:
    database = Database(url)
    with database.unit_of_work() as uow:
        found = set(uow.ballots.trackers(rounds.find(uow, REF).id))
    database.dispose()
    return found


def steady(server: Server, args: argparse.Namespace) -> list[str]:
    url = server.create_database("load_steady")
    tokens = prepare(url, args.ballots)
    web = WebServer(url, free_port(), args.workers)
    web.start()
    outcome = Outcome()
    started = time.perf_counter()
    try:
        asyncio.run(cast_all(web.port, tokens, args.concurrency, outcome))
    finally:
        elapsed = time.perf_counter() - started
        web.kill()
    lost = len(outcome.trackers - stored_trackers(url))
    return row("steady", outcome, elapsed, lost)


def killed(server: Server, args: argparse.Namespace) -> list[str]:
    url = server.create_database("load_killed")
    tokens = prepare(url, args.ballots)
    web = WebServer(url, free_port(), args.workers)
    web.start()
    outcome = Outcome()
    started = time.perf_counter()

    async def run_and_kill() -> None:
        casting = asyncio.create_task(cast_all(web.port, tokens, args.concurrency, outcome))
        while len(outcome.trackers) < len(tokens) // 2 and not casting.done():
            await asyncio.sleep(0.01)
        web.kill()  # mid-run: requests in flight fail
        await asyncio.to_thread(web.start)
        await casting

    try:
        asyncio.run(run_and_kill())
    finally:
        elapsed = time.perf_counter() - started
        web.kill()
    lost = len(outcome.trackers - stored_trackers(url))
    return row("kill -9 halfway, restart", outcome, elapsed, lost)


def row(name: str, outcome: Outcome, elapsed: float, lost: int) -> list[str]:
    acknowledged = len(outcome.trackers)
    return [
        name, str(acknowledged), str(outcome.unanswered),
        ", ".join(f"{n}× {status}" for status, n in sorted(outcome.refused.items())) or "0",
        f"{elapsed:.1f}",
        f"{acknowledged / elapsed:.0f}", f"{percentile(outcome.latencies, 0.5) * 1000:.0f}",
        f"{percentile(outcome.latencies, 0.99) * 1000:.0f}", str(lost),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ballots", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    server = Server()
    server.start()
    try:
        rows = [steady(server, args), killed(server, args)]
    finally:
        server.stop()
    when = datetime.now(UTC).strftime("%d %b %Y")
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(
        f"Casting through the web app, {args.ballots} members, {args.concurrency} clients, "
        f"{args.workers} workers, PostgreSQL, loopback ({when}, {os.cpu_count()} cores, "
        f"load average at the end {load}):\n"
    )
    print(
        "| run | acknowledged | unanswered (retried) | refused | seconds | ballots/s | p50 ms "
        "| p99 ms | acknowledged but lost |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for cells in rows:
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
