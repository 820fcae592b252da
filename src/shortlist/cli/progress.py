"""Reading ballot files with a progress bar on a terminal (quiet otherwise)."""

from __future__ import annotations

import os
import sys
from typing import Any

#: Files smaller than this are read without a bar.
BAR_FROM_BYTES = 32 * 1024 * 1024


def shows_bar(path: str | os.PathLike[str]) -> bool:
    """Whether reading ``path`` shows a progress bar (a big file, on a terminal)."""
    size = os.path.getsize(path) if os.path.exists(path) else 0
    return sys.stderr.isatty() and size >= BAR_FROM_BYTES


def read_with_progress(path: str | os.PathLike[str], input_format: str | None) -> Any:
    """Read ``path`` with :func:`shortlist.formats.read_ballots`, showing a bar when useful."""
    from shortlist.formats import read_ballots

    if not shows_bar(path):
        return read_ballots(path, format=input_format)
    size = os.path.getsize(path)
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task(f"reading {os.path.basename(path)}", total=size)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return read_ballots(path, format=input_format, progress=tick)
