"""Round specifications as plain JSON-ready dicts and back (for the store and the API)."""

from __future__ import annotations

from typing import Any

from shortlist.domain.model import (
    BallotKind,
    BallotSpec,
    Electorate,
    ElectorateKind,
    Gate,
    GateKind,
    Publication,
    PublicationMode,
    Revision,
    RoundSpec,
    Slate,
    SlateSource,
    Window,
)
from shortlist.domain.times import format_instant, parse_instant


def round_to_dict(spec: RoundSpec) -> dict[str, Any]:
    pub = spec.publication
    return {
        "key": spec.key,
        "name": spec.name,
        "opens": format_instant(spec.window.opens),
        "closes": format_instant(spec.window.closes),
        "method": spec.method,
        "rules": dict(spec.rules),
        "slate": {"source": spec.slate.source.value, "picks": list(spec.slate.picks)},
        "electorate": {
            "kind": spec.electorate.kind.value,
            "branches": list(spec.electorate.branches),
            "size": spec.electorate.size,
            "seed": spec.electorate.seed,
        },
        "gate": {"kind": spec.gate.kind.value, "n": spec.gate.n},
        "ballot": {
            "kind": spec.ballot.kind.value,
            "max_ranks": spec.ballot.max_ranks,
            "min_score": spec.ballot.min_score,
            "max_score": spec.ballot.max_score,
            "max_choices": spec.ballot.max_choices,
        },
        "revision": spec.revision.value,
        "publication": {
            "mode": pub.mode.value,
            "embargo": None if pub.embargo is None else format_instant(pub.embargo),
        },
    }


def round_from_dict(data: dict[str, Any]) -> RoundSpec:
    el, gate, ballot, pub = data["electorate"], data["gate"], data["ballot"], data["publication"]
    return RoundSpec(
        key=data["key"],
        name=data["name"],
        window=Window(parse_instant(data["opens"]), parse_instant(data["closes"])),
        method=data["method"],
        rules=data["rules"],
        slate=Slate(SlateSource(data["slate"]["source"]), tuple(data["slate"]["picks"])),
        electorate=Electorate(
            ElectorateKind(el["kind"]), tuple(el["branches"]), el["size"], el["seed"]
        ),
        gate=Gate(GateKind(gate["kind"]), gate["n"]),
        ballot=BallotSpec(
            BallotKind(ballot["kind"]),
            ballot["max_ranks"],
            ballot["min_score"],
            ballot["max_score"],
            ballot["max_choices"],
        ),
        revision=Revision(data["revision"]),
        publication=Publication(
            PublicationMode(pub["mode"]),
            None if pub["embargo"] is None else parse_instant(pub["embargo"]),
        ),
    )
