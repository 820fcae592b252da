"""Sources and candidates of the shared RCTab cases, read from their configs (test helper).

Deliberately small and independent of the config validator: it only maps the fields a
CVR reader needs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shortlist.formats.rctab.cvr import CandidateSpec, CvrSource

CASES = Path(__file__).resolve().parents[2] / "cases"
RCTAB = CASES / "rctab"
RCTAB_CSV = CASES / "rctab_csv"


def _index(value: Any) -> int | None:
    text = str(value if value is not None else "").strip()
    return int(text) if text else None


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def config_of(case: str) -> dict[str, Any]:
    path = next((RCTAB / case).glob("*_config.json"))
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def source_of(entry: dict[str, Any], base: Path) -> CvrSource:
    return CvrSource(
        provider=entry["provider"],
        path=(base / entry["filePath"]).resolve(),
        contest_id=_text(entry.get("contestId")),
        first_vote_column=_index(entry.get("firstVoteColumnIndex")),
        first_vote_row=_index(entry.get("firstVoteRowIndex")),
        id_column=_index(entry.get("idColumnIndex")),
        batch_column=_index(entry.get("batchColumnIndex")),
        precinct_column=_index(entry.get("precinctColumnIndex")),
        overvote_delimiter=_text(entry.get("overvoteDelimiter")),
        overvote_label=_text(entry.get("overvoteLabel")),
        skipped_rank_label=_text(entry.get("skippedRankLabel") or entry.get("undervoteLabel")),
        undeclared_write_in_label=_text(entry.get("undeclaredWriteInLabel")),
        treat_blank_as_undeclared_write_in=bool(entry.get("treatBlankAsUndeclaredWriteIn")),
        display_path=entry["filePath"],
    )


def case_inputs(case: str) -> tuple[list[CvrSource], list[CandidateSpec], int | None]:
    """(sources, candidates, max rankings) of one shared case."""
    config = config_of(case)
    base = RCTAB / case
    sources = [source_of(e, base) for e in config["cvrFileSources"]]
    candidates = [
        CandidateSpec(c["name"], tuple(c.get("aliases") or ()), bool(c.get("excluded")))
        for c in config["candidates"]
    ]
    raw = str(config["rules"].get("maxRankingsAllowed", "max"))
    return sources, candidates, None if raw == "max" else int(raw)


def cases_with(provider: str) -> list[str]:
    """Names of the shared cases whose config reads at least one source of ``provider``."""
    found = []
    for config in sorted(RCTAB.glob("*/*_config.json")):
        data = json.loads(config.read_text(encoding="utf-8"))
        providers = {s.get("provider") for s in data.get("cvrFileSources", [])}
        if provider in providers and all(s.get("filePath") for s in data["cvrFileSources"]):
            found.append(config.parent.name)
    return found
