"""Where each part of a public record lives, relative to the record's directory."""

from __future__ import annotations

MANIFEST = "manifest.json"
KEYS = "keys.json"
EDITION = "edition.json"
AUDIT = "audit.jsonl"
#: Per round, under ``rounds/<category>/<round>/``.
RESULTS = "results.json"
COMMITMENT = "commitment.json"
BOARD = "board.json"
BALLOTS = "ballots.json"
CUSTODIANS = "custodians.json"


def round_dir(category: str, round_key: str) -> str:
    return f"rounds/{category}/{round_key}"
