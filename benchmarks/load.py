"""Load benchmark of casting through the web app (issue 7, item 7): not a test.

Starts a throwaway PostgreSQL server that is durable as in production (``fsync``,
``synchronous_commit`` and ``full_page_writes`` on: a ballot is acknowledged only once its commit
is on disk), loads an edition with one open ranked round and N members, gives each member an
API token, serves the app with Uvicorn (``--workers W``, uvloop, httptools, no access log) on a
loopback port, and casts one ballot per member through
``PUT /api/v1/member/rounds/{category}/{round}/ballot`` from C keep-alive HTTP/1.1 connections
(a small asyncio client sending pre-built requests, so that it takes little of the machine it
shares with the server). Then:

1. **steady**: ballots per second, latency p50/p99 (request written to answer read), where the
   machine's CPU went (web workers, PostgreSQL, this client, everything else), and every
   acknowledged ballot's tracker found in the round's box afterwards;
2. **kill -9**: the same with the server's whole process group killed with SIGKILL halfway and
   restarted; requests in flight get no answer (not acknowledged) and are retried, as a voter
   would; every ballot acknowledged before or after the kill must be in the box: 0 lost.

Only loopback traffic. Run: ``.venv/bin/python benchmarks/load.py [--ballots 6000]
[--concurrency 32] [--workers 2]``; it prints Markdown tables for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from postgres_server import PORT, Server  # noqa: E402
from shortlist.domain.edition_file import read_edition  # noqa: E402
from shortlist.domain.model import Member, MemberStatus  # noqa: E402
from shortlist.service import access, editions, rounds, sealing  # noqa: E402
from shortlist.service.clock import SystemClock  # noqa: E402
from shortlist.service.refs import RoundRef  # noqa: E402
from shortlist.store.account_repositories import Tokens  # noqa: E402
from shortlist.store.database import Database  # noqa: E402

REF = RoundRef("load", "picture", "final")
ENTRIES = [f"e{i}" for i in range(10)]
TICK = os.sysconf("SC_CLK_TCK")


class DurableServer(Server):
    """The test suite's throwaway server, but with PostgreSQL's durability settings left as in
    production (the tests turn fsync off)."""

    def start(self) -> DurableServer:
        if self.as_nobody:
            import shutil

            shutil.chown(self.root, "nobody")
            os.chmod(self.root, 0o755)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--no-instructions")  # fmt: skip
        options = (
            f"-p {PORT} -k {self.root} -c listen_addresses='' -c fsync=on "
            "-c synchronous_commit=on -c full_page_writes=on -c max_connections=200 "
            "-c shared_buffers=128MB"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w",
                  "-t", "60", "start")  # fmt: skip
        return self

    def postmaster(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])


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
        Member(f"m{i:06d}", f"Member {i}", MemberStatus.ACTIVE, frozenset({"all"}),
               f"m{i:06d}@example.org")
        for i in range(members)
    ]  # fmt: skip
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
            sys.executable, "-m", "uvicorn", "shortlist.web.app:app_from_environment", "--factory",
            "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers),
            "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning",
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


# -- the client --------------------------------------------------------------------------------


def requests_for(port: int, tokens: list[str]) -> dict[str, bytes]:
    """Each member's whole HTTP request, built before the clock starts."""
    path = f"/api/v1/member/rounds/{REF.category}/{REF.round}/ballot"
    built = {}
    for i, token in enumerate(tokens):
        body = json.dumps({"ranking": (ENTRIES[i % 10 :] + ENTRIES[: i % 10])[:5]}).encode()
        head = (
            f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        built[token] = head.encode() + body
    return built


async def answer(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """One HTTP/1.1 response: its status and body (the server always sends Content-Length)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    trackers: set[str] = field(default_factory=set)
    unanswered: int = 0
    refused: dict[int, int] = field(default_factory=dict)


async def cast_all(port: int, tokens: list[str], concurrency: int, outcome: Outcome) -> None:
    """Each member casts once over one of ``concurrency`` keep-alive connections; a request the
    server never answered (it was killed) is retried on a new connection after a pause, as a
    voter would, until answered."""
    built = requests_for(port, tokens)
    waiting = list(reversed(tokens))

    async def connection() -> None:
        reader = writer = None
        while waiting:
            token = waiting.pop()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                assert reader is not None
                started = time.perf_counter()
                writer.write(built[token])
                status, body = await answer(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                outcome.unanswered += 1
                waiting.insert(0, token)  # not acknowledged: the voter tries again later
                if writer is not None:
                    writer.close()
                reader = writer = None
                await asyncio.sleep(0.5)
                continue
            if status == 200:
                outcome.latencies.append(time.perf_counter() - started)
                outcome.trackers.add(json.loads(body)["tracker"])
            else:
                outcome.refused[status] = outcome.refused.get(status, 0) + 1
        if writer is not None:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(concurrency)))


# -- measuring ---------------------------------------------------------------------------------


def _processes() -> dict[int, tuple[int, int, float, float]]:
    """Every process: (parent, process group, CPU seconds so far, CPU seconds of its children
    that have exited and been waited for)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        cpu = (int(fields[11]) + int(fields[12])) / TICK
        children = (int(fields[13]) + int(fields[14])) / TICK
        found[int(entry)] = (int(fields[1]), int(fields[2]), cpu, children)
    return found


def _machine_busy() -> float:
    """CPU seconds the whole machine has been busy (all cores)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / TICK


@dataclass
class CpuSplit:
    web: float
    postgres: float
    client: float
    machine: float

    @property
    def others(self) -> float:
        return max(0.0, self.machine - self.web - self.postgres - self.client)


class CpuMeter:
    """CPU seconds of the web server's process group, PostgreSQL's processes (with the backends
    that exited, which the postmaster has reaped), this client and the whole machine between
    :meth:`start` and :meth:`stop`."""

    def __init__(self, web_group: int, postmaster: int) -> None:
        self.web_group, self.postmaster = web_group, postmaster

    def _sample(self) -> tuple[float, float, float, float]:
        table = _processes()
        web = sum(cpu for _, group, cpu, _ in table.values() if group == self.web_group)
        pg = sum(
            cpu
            for pid, (parent, _, cpu, _) in table.items()
            if pid == self.postmaster or parent == self.postmaster
        )
        if self.postmaster in table:  # backends that have come and gone
            pg += table[self.postmaster][3]
        return web, pg, time.process_time(), _machine_busy()

    def start(self) -> None:
        self.before = self._sample()

    def stop(self) -> CpuSplit:
        after = self._sample()
        return CpuSplit(*(b - a for a, b in zip(self.before, after, strict=True)))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def stored_trackers(url: str) -> set[str]:
    database = Database(url)
    with database.unit_of_work() as uow:
        found = set(uow.ballots.trackers(rounds.find(uow, REF).id))
    database.dispose()
    return found


def steady(server: DurableServer, args: argparse.Namespace) -> tuple[list[str], CpuSplit, float]:
    url = server.create_database("load_steady")
    tokens = prepare(url, args.ballots)
    web = WebServer(url, free_port(), args.workers)
    web.start()
    assert web.process is not None
    meter = CpuMeter(web.process.pid, server.postmaster())
    outcome = Outcome()
    meter.start()
    started = time.perf_counter()
    try:
        asyncio.run(cast_all(web.port, tokens, args.concurrency, outcome))
    finally:
        elapsed = time.perf_counter() - started
        split = meter.stop()
        web.kill()
    lost = len(outcome.trackers - stored_trackers(url))
    return row("steady", outcome, elapsed, lost), split, elapsed


def killed(server: DurableServer, args: argparse.Namespace) -> list[str]:
    url = server.create_database("load_killed")
    tokens = prepare(url, args.ballots)
    web = WebServer(url, free_port(), args.workers)
    web.start()
    outcome = Outcome()
    started = time.perf_counter()

    async def run_and_kill() -> None:
        casting = asyncio.create_task(cast_all(web.port, tokens, args.concurrency, outcome))
        while len(outcome.trackers) < len(tokens) // 2 and not casting.done():
            await asyncio.sleep(0.005)
        web.kill()  # mid-run: requests in flight get no answer
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


def table(header: Iterable[str], rows: Iterable[list[str]]) -> str:
    names = list(header)
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    return "\n".join(lines + ["| " + " | ".join(cells) + " |" for cells in rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ballots", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-kill", action="store_true", help="only the steady run")
    args = parser.parse_args()
    server = DurableServer()
    server.start()
    try:
        first, split, elapsed = steady(server, args)
        rows = [first] if args.no_kill else [first, killed(server, args)]
    finally:
        server.stop()
    when = datetime.now(UTC).strftime("%d %b %Y %H:%M UTC")
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(
        f"Casting through the web app, {args.ballots} members, {args.concurrency} connections, "
        f"{args.workers} workers, PostgreSQL (fsync on), loopback ({when}, {os.cpu_count()} "
        f"cores, load average at the end {load}):\n"
    )
    header = ["run", "acknowledged", "unanswered (retried)", "refused", "seconds", "ballots/s",
              "p50 ms", "p99 ms", "acknowledged but lost"]  # fmt: skip
    print(table(header, rows))
    cores = (os.cpu_count() or 1) * elapsed
    parts = [("web workers", split.web), ("PostgreSQL", split.postgres),
             ("load client", split.client), ("everything else", split.others)]  # fmt: skip
    print(f"\nWhere the machine's CPU went in the steady run ({cores:.1f} core-seconds):\n")
    print(
        table(
            ["", "CPU s", "share of the cores", "ms per acknowledged ballot"],
            [
                [
                    name,
                    f"{cpu:.1f}",
                    f"{cpu / cores:.0%}",
                    f"{cpu * 1000 / max(1, int(first[1])):.2f}",
                ]
                for name, cpu in parts
            ],
        )
    )


if __name__ == "__main__":
    main()
