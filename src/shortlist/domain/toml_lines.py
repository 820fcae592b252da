"""Where a field of a TOML document is written: its line, for error messages.

``tomllib`` gives values but no positions, so :class:`LineIndex` reads the text once, follows
``[table]`` and ``[[array.of.tables]]`` headers and notes the line of every ``key =``. A field
path is a tuple of keys and array indexes, e.g. ``("categories", 0, "rounds", 1, "method")``;
a path not written on its own line (inside an inline table) gets the line of its nearest
written ancestor.
"""

from __future__ import annotations

import re

Path = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'.]+)\s*=")


def _split(dotted: str) -> list[str]:
    return [p.strip().strip("\"'") for p in dotted.split(".")]


class LineIndex:
    def __init__(self, text: str) -> None:
        self.lines: dict[Path, int] = {}
        counts: dict[Path, int] = {}
        current: Path = ()
        for number, line in enumerate(text.splitlines(), start=1):
            header = _HEADER.match(line)
            if header:
                current = self._enter(header.group(1) == "[[", _split(header.group(2)), counts)
                self.lines.setdefault(current, number)
                continue
            key = _KEY.match(line)
            if key:
                self.lines.setdefault((*current, *_split(key.group(1))), number)

    def _enter(self, is_array: bool, keys: list[str], counts: dict[Path, int]) -> Path:
        path: Path = ()
        for i, key in enumerate(keys):
            path = (*path, key)
            last = i == len(keys) - 1
            if last and is_array:
                counts[path] = counts.get(path, -1) + 1
                path = (*path, counts[path])
            elif path in counts:
                path = (*path, counts[path])
        return path

    def line(self, path: Path) -> int | None:
        """The line of ``path`` or of its nearest ancestor written in the file."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


def dotted(path: Path) -> str:
    """``categories[0].rounds[1].method``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
