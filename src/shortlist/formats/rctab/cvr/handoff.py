"""Handing work from a helper thread to the reading thread through a bounded queue."""

from __future__ import annotations

import queue
import threading
from typing import TypeVar

T = TypeVar("T")


def put_unless_stopped(
    ready: queue.Queue[T], item: T, stop: threading.Event, wait: float = 0.05
) -> None:
    """Put ``item`` on ``ready``, waiting while it is full, unless ``stop`` is set meanwhile
    (the reader gave up: nobody would take it)."""
    while not stop.is_set():
        try:
            ready.put(item, timeout=wait)
            return
        except queue.Full:
            continue
