"""A throwaway PostgreSQL server for the test suite (Debian's postgresql package).

``initdb`` in a temporary directory, ``pg_ctl start`` on a Unix socket in that directory (no TCP
port to clash over), and ``pg_ctl stop -m immediate`` at the end. As root, the server runs as
``nobody`` (initdb refuses root). Nothing here skips: if the server cannot start, the caller
fails with the server's log. ``scripts/ensure-postgres`` installs the binaries.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

PORT = 5432


def bindir() -> Path:
    """The newest installed server's binaries (``/usr/lib/postgresql/N/bin``), N >= 15."""
    found = []
    for path in glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        version = Path(path).parent.parent.name
        if version.isdigit() and int(version) >= 15:
            found.append((int(version), Path(path).parent))
    if not found:
        raise RuntimeError(
            "PostgreSQL 15+ server binaries not found under /usr/lib/postgresql; "
            "run scripts/ensure-postgres"
        )
    return max(found)[1]


class Server:
    def __init__(self) -> None:
        self.bin = bindir()
        self.root = Path(tempfile.mkdtemp(prefix="shortlist-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.as_nobody = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_nobody:
            command = ["runuser", "-u", "nobody", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(
                f"{' '.join(command)} failed ({done.returncode}):\n"
                f"{done.stdout}\n{done.stderr}\n{log}"
            )

    def start(self) -> Server:
        if self.as_nobody:
            shutil.chown(self.root, "nobody")
            os.chmod(self.root, 0o755)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--no-sync", "--no-instructions")  # fmt: skip
        # fsync=off: a killed client loses nothing the server acknowledged; fsync guards only
        # against losing the machine, which no test does.
        options = (
            f"-p {PORT} -k {self.root} -c listen_addresses='' -c fsync=off -c full_page_writes=off "
            "-c max_connections=60 -c shared_buffers=32MB"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w",
                  "-t", "60", "start")  # fmt: skip
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.root}&port={PORT}"

    def create_database(self, name: str, template: str = "template0") -> str:
        """Create database ``name``; its URL."""
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as c:
            c.execute(text(f"CREATE DATABASE {name} TEMPLATE {template}"))
        engine.dispose()
        return self.url(name)

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
