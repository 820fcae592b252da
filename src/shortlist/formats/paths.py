"""File names, without importing pathlib (a tenth of ``shortlist tabulate``'s start-up)."""

from __future__ import annotations

import os


def suffix(path: str | os.PathLike[str]) -> str:
    """The file name's extension as ``pathlib.PurePath.suffix`` gives it: from its last dot,
    none for ``.name`` or ``name.``."""
    name = os.path.basename(os.fspath(path))
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""
