"""Droop's reference counts (jklundell/droop v0.14), every round, for the rules shortlist has.

Each dump in ``tests/cases/droop/test/ref/dump`` names its election, rule and arithmetic. The
rules counted here, and the shortlist method and switches that are the same rule:

* ``wigm`` -> ``stv-wigm`` with the dump's arithmetic;
* ``wigm-prf`` (the PR Foundation's reference WIGM: fixed(4), quota plus 0.0001) -> ``stv-wigm``
  with ``arithmetic=fixed(4)``; ``wigm-prf-batch`` adds ``defeat_batch=sure-losers``;
* ``meek``, ``warren`` -> ``stv-meek``, ``stv-warren`` with the dump's arithmetic and omega;
* ``meek-prf`` (the PR Foundation's reference Meek: fixed(9), omega 6) -> ``stv-meek`` with
  ``variant=prf`` and ``defeat_batch=none``.

Droop reads an equal-ranking ballot's rank of defeated candidates as its end
(``equal_rank_gap=stop``) and picks the first candidate of its tie order in any tie
(``tie_order_style=droop``).

Rules shortlist does not implement here are left out of the file list (see ``NOT_HERE``):
``cfer``, ``mpls``, ``qpq`` and ``scotland`` (another module counts the Scottish rule).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from _droop_dump import RefName, compare, meek_moments, read_dump, wigm_moments

from shortlist.formats import BallotFile, read_ballots
from shortlist.methods.registry import count
from shortlist.methods.result import Result

DROOP = Path(__file__).parents[1] / "cases" / "droop"
DUMPS = DROOP / "test" / "ref" / "dump"
BLTS = DROOP / "test" / "blt"

METHOD = {
    "wigm": "stv-wigm",
    "wigm-prf": "stv-wigm",
    "wigm-prf-batch": "stv-wigm",
    "meek": "stv-meek",
    "meek-prf": "stv-meek",
    "warren": "stv-warren",
}
NOT_HERE = ("cfer", "cfer-batch", "mpls", "qpq", "scotland")


def _blt_path(ref: RefName, folder: str) -> Path:
    return BLTS / folder / f"{ref.blt}.blt"


def _references() -> list[str]:
    """Dump files (relative to the dump folder) of the rules counted here."""
    out = []
    for path in sorted(DUMPS.rglob("*.txt")):
        rel = path.relative_to(DUMPS).as_posix()
        ref = RefName.parse(path.name)
        folder = path.parent.relative_to(DUMPS).as_posix()
        if ref.rule in METHOD and _blt_path(ref, folder).exists():
            out.append(rel)
    return out


def switches(ref: RefName, election: BallotFile) -> dict[str, Any]:
    """The shortlist switches of the rule a dump was counted by."""
    rules: dict[str, Any] = {
        "seats": election.seats,
        "arithmetic": ref.arithmetic,
        # Droop's [tie] order, or else the candidates' order, picks the first listed in a tie
        "ties": "order",
        "tie_order": election.tie_order or election.profile.candidates,
        "tie_order_style": "droop",
    }
    if ref.rule == "wigm-prf-batch":
        rules["defeat_batch"] = "sure-losers"
    if ref.rule == "meek-prf":
        rules["variant"] = "prf"
        rules["defeat_batch"] = "none"
    if ref.omega is not None:
        rules["omega"] = ref.omega
        rules["equal_rank_gap"] = "stop"
    return rules


def count_reference(rel: str) -> tuple[RefName, Result]:
    path = DUMPS / rel
    ref = RefName.parse(path.name)
    election = read_ballots(_blt_path(ref, path.parent.relative_to(DUMPS).as_posix()))
    return ref, count(election.profile, METHOD[ref.rule], switches(ref, election))


REFERENCES = _references()


def test_every_dump_is_counted_or_named_as_another_rule() -> None:
    """No reference is skipped silently: each one is counted here or belongs to NOT_HERE."""
    for path in DUMPS.rglob("*.txt"):
        ref = RefName.parse(path.name)
        assert ref.rule in METHOD or ref.rule in NOT_HERE, path.name
    assert len(REFERENCES) == 70


@pytest.mark.parametrize("rel", REFERENCES)
def test_every_round_matches_droop(rel: str) -> None:
    ref, result = count_reference(rel)
    rows = read_dump(DUMPS / rel)
    meek = ref.rule in ("meek", "meek-prf", "warren")
    moments = meek_moments(rows) if meek else wigm_moments(rows)
    problems = compare(result, moments, ref.display, meek)
    assert problems == [], "\n".join(problems[:20])


@pytest.mark.parametrize("rel", REFERENCES)
def test_final_winners_match_droop(rel: str) -> None:
    expected = json.loads((DROOP / "ref_final_states.json").read_text(encoding="utf-8"))[rel]
    _, result = count_reference(rel)
    assert sorted(result.winners) == sorted(expected["winners"])
