"""RCTab contest configs (``*_config.json``): read, migrate, validate as a whole, type.

The document is checked the way RCTab 2.0 checks it (``ContestConfig.validate``) and every
problem is reported at once, each with its JSON path (``rules.tiebreakMode``,
``cvrFileSources[1].filePath``). Older configs are migrated first, as RCTab does: renamed modes,
labels moved from ``rules`` to each source, ``undervoteLabel`` renamed ``skippedRankLabel``,
candidate ``code`` read as an alias. Unknown keys are ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from shortlist.errors import RulesError
from shortlist.formats.rctab.cvr import CandidateSpec, CvrSource
from shortlist.methods.rctab import (
    OVERVOTE_RULES,
    TIEBREAK_MODES,
    UNDECLARED_WRITE_INS,
    WINNER_MODES,
    RctabRules,
)

APP_VERSION = "2.0.1"
TEST_VERSION = "TEST"
PROVIDERS = {
    "cdf": "cdf",
    "CDF": "cdf",
    "clearBallot": "clearBallot",
    "Clear Ballot": "clearBallot",
    "dominion": "dominion",
    "Dominion": "dominion",
    "ess": "ess",
    "ES&S": "ess",
    "hart": "hart",
    "Hart": "hart",
    "genericCsv": "genericCsv",
    "CSV": "genericCsv",
}
RESERVED = ("residual surplus", "exhausted", "uncounted")
OLD_TIEBREAK_MODES = {
    "interactive": "stopCountingAndAsk",
    "previousRoundCountsThenInteractive": "previousRoundCountsThenAsk",
    "usePermutationInConfig": "useCandidateOrder",
}
MAX_SEED = 140737488355327
LABELS = ("overvoteLabel", "skippedRankLabel", "undeclaredWriteInLabel")


@dataclass(frozen=True)
class ContestConfig:
    """A validated contest config, its sources resolved against the config's folder."""

    path: Path
    contest_name: str
    contest_date: str
    jurisdiction: str
    office: str
    output_directory: str
    tabulate_by_precinct: bool
    tabulate_by_batch: bool
    generate_cdf_json: bool
    sources: tuple[CvrSource, ...]
    candidates: tuple[CandidateSpec, ...]
    rules: RctabRules
    percentage_text: str

    @property
    def single_winner(self) -> bool:
        return self.rules.winner_mode == "singleWinnerMajority"

    @property
    def write_ins_declared(self) -> bool:
        return any(s.declares_write_ins for s in self.sources)

    @property
    def candidate_names(self) -> tuple[str, ...]:
        """RCTab's candidate names: the declared ones, then the write-ins if declared."""
        names = tuple(c.name for c in self.candidates)
        return (*names, UNDECLARED_WRITE_INS) if self.write_ins_declared else names

    def slices(self) -> tuple[str, ...]:
        """The slices to report on, in RCTab's order."""
        return tuple(
            k
            for k, on in (
                ("precinct", self.tabulate_by_precinct),
                ("batch", self.tabulate_by_batch),
            )
            if on
        )


def is_rctab_config(path: str | Path) -> bool:
    """Whether ``path`` looks like an RCTab contest config (a JSON object with its sections)."""
    p = Path(path)
    if p.suffix.lower() != ".json" or not p.is_file():
        return False
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(doc, dict) and "rules" in doc and "cvrFileSources" in doc


def read_config(path: str | Path) -> ContestConfig:
    """Read and validate the config at ``path``; :class:`RulesError` lists every problem."""
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulesError(f"{p}: cannot read the contest config: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RulesError(f"{p}: not a JSON contest config: {exc}") from None
    if not isinstance(doc, dict):
        raise RulesError(f"{p}: a contest config is a JSON object")
    return Validator(p, doc).config()


class Validator:
    """Collects every problem of one config document, then builds it."""

    def __init__(self, path: Path, doc: dict[str, Any]) -> None:
        self.path = path
        self.folder = path.parent
        self.errors: list[str] = []
        self.out = _section(doc, "outputSettings")
        self.rules = _section(doc, "rules")
        raw_sources = doc.get("cvrFileSources")
        self.raw_sources = (
            [s for s in raw_sources if isinstance(s, dict)] if isinstance(raw_sources, list) else []
        )
        raw_candidates = doc.get("candidates")
        self.raw_candidates = (
            [c for c in raw_candidates if isinstance(c, dict)]
            if isinstance(raw_candidates, list)
            else []
        )
        self.version = _text(doc.get("tabulatorVersion"))
        self._migrate()

    def fail(self, where: str, message: str) -> None:
        self.errors.append(f"{self.path}: {where}: {message}")

    # -- migration (RCTab's ContestConfigMigration) --------------------------------------------

    def _migrate(self) -> None:
        rules = self.rules
        mode = _text(rules.get("tiebreakMode"))
        if mode in OLD_TIEBREAK_MODES:
            rules["tiebreakMode"] = OLD_TIEBREAK_MODES[mode]
        self._migrate_winner_mode()
        for source in self.raw_sources:
            for key in LABELS:
                old = _text(rules.get("undervoteLabel" if key == "skippedRankLabel" else key))
                if old:
                    source[key] = old
            if rules.get("treatBlankAsUndeclaredWriteIn") is True:
                source["treatBlankAsUndeclaredWriteIn"] = True
            if "undervoteLabel" in source and source.get("skippedRankLabel") is None:
                source["skippedRankLabel"] = source["undervoteLabel"]

    def _migrate_winner_mode(self) -> None:
        rules = self.rules
        mode = _text(rules.get("winnerElectionMode"))
        seats = _int(rules.get("numberOfWinners"))
        if mode == "standard":
            rules["winnerElectionMode"] = (
                "multiWinnerAllowMultipleWinnersPerRound"
                if (seats or 0) > 1
                else "singleWinnerMajority"
            )
        elif mode == "singleSeatContinueUntilTwoCandidatesRemain":
            rules["winnerElectionMode"] = "singleWinnerMajority"
            rules["continueUntilTwoCandidatesRemain"] = True
        elif mode == "multiSeatAllowOnlyOneWinnerPerRound":
            rules["winnerElectionMode"] = "multiWinnerAllowOnlyOneWinnerPerRound"
        elif mode == "multiSeatBottomsUp":
            pct = _text(rules.get("multiSeatBottomsUpPercentageThreshold"))
            rules["winnerElectionMode"] = (
                "bottomsUpUsingPercentageThreshold" if seats == 0 or pct else "bottomsUp"
            )
        elif mode == "multiSeatSequentialWinnerTakesAll":
            rules["winnerElectionMode"] = "multiPassIrv"

    # -- the whole document --------------------------------------------------------------------

    def config(self) -> ContestConfig:
        self.check_version()
        if not _text(self.out.get("contestName")):
            self.fail("outputSettings.contestName", "a contest name is required")
        flags = {k: self.flag(self.out, "outputSettings", k) for k in _OUTPUT_FLAGS}
        rules = self.check_rules()
        sources = self.check_sources(rules, flags)
        candidates = self.check_candidates(sources)
        if self.errors:
            raise RulesError(
                f"{self.path}: the contest config has {len(self.errors)} problem(s), "
                f"the first: {self.errors[0].split(': ', 1)[1]}",
                errors=tuple(self.errors),
            )
        assert rules is not None
        return ContestConfig(
            path=self.path,
            contest_name=_text(self.out.get("contestName")),
            contest_date=_text(self.out.get("contestDate")),
            jurisdiction=_text(self.out.get("contestJurisdiction")),
            office=_text(self.out.get("contestOffice")),
            output_directory=_text(self.out.get("outputDirectory")),
            tabulate_by_precinct=flags["tabulateByPrecinct"],
            tabulate_by_batch=flags["tabulateByBatch"],
            generate_cdf_json=flags["generateCdfJson"],
            sources=tuple(sources),
            candidates=tuple(candidates),
            rules=rules,
            percentage_text=_text(self.rules.get("multiSeatBottomsUpPercentageThreshold")),
        )

    def check_version(self) -> None:
        v = self.version
        if v and v != TEST_VERSION and _version(v) > _version(APP_VERSION):
            self.fail("tabulatorVersion", f"version {v} is newer than RCTab {APP_VERSION}")

    def flag(self, section: Mapping[str, Any], name: str, key: str) -> bool:
        value = section.get(key)
        if value is None or isinstance(value, bool):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        self.fail(f"{name}.{key}", f"expected true or false, not {value!r}")
        return False

    # -- rules ---------------------------------------------------------------------------------

    def check_rules(self) -> RctabRules | None:
        r, at = self.rules, "rules"
        mode = self.choice("winnerElectionMode", WINNER_MODES)
        tiebreak = self.choice("tiebreakMode", TIEBREAK_MODES)
        overvote = self.choice("overvoteRule", OVERVOTE_RULES)
        needs_seed = tiebreak in ("random", "previousRoundCountsThenRandom", "generatePermutation")
        seed = self.integer("randomSeed", -MAX_SEED - 1, MAX_SEED, required=needs_seed)
        seats = self.integer("numberOfWinners", 0, 2**31 - 1, required=True)
        places = self.integer("decimalPlacesForVoteArithmetic", 1, 20, required=True)
        stop = self.integer("stopTabulationEarlyAfterRound", 1, 2**31 - 1, required=False)
        max_rankings = self.with_option("maxRankingsAllowed", "max", 1)
        max_skips = self.with_option("maxSkippedRanksAllowed", "unlimited", 0)
        flags = {k: self.flag(r, at, k) for k in _RULE_FLAGS}
        self.check_mode_rules(mode, seats, flags)
        if None in (mode, tiebreak, overvote, seats, places) or self.errors:
            return None
        return RctabRules(
            seats=seats or 0,
            seed=seed or 0,
            winner_mode=str(mode),
            tiebreak_mode=str(tiebreak),
            overvote_rule=str(overvote),
            places=places or 4,
            max_skipped_ranks=None if max_skips == -1 else max_skips,
            max_rankings=None if max_rankings == -1 else max_rankings,
            non_integer_threshold=flags["nonIntegerWinningThreshold"],
            hare_quota=flags["hareQuota"],
            first_round_determines_threshold=flags["doesFirstRoundDetermineThreshold"],
            batch_elimination=flags["batchElimination"],
            cutoff_elimination=flags["cutoffElimination"],
            continue_until_two=flags["continueUntilTwoCandidatesRemain"],
            stop_after_round=stop,
            exhaust_on_duplicate=flags["exhaustOnDuplicateCandidate"],
            percentage_threshold=_text(r.get("multiSeatBottomsUpPercentageThreshold")),
        )

    def choice(self, key: str, allowed: tuple[str, ...]) -> str | None:
        value = _text(self.rules.get(key))
        if value not in allowed:
            given = f"{value!r} is not one of" if value else "a value is required, one of"
            self.fail(f"rules.{key}", f"{given} {', '.join(allowed)}")
            return None
        return value

    def integer(self, key: str, low: int, high: int, *, required: bool) -> int | None:
        text = _text(self.rules.get(key))
        if not text:
            if required:
                self.fail(f"rules.{key}", f"an integer from {low} to {high} is required")
            return None
        value = _int(text)
        if value is None or not low <= value <= high:
            self.fail(f"rules.{key}", f"must be an integer from {low} to {high}, not {text!r}")
            return None
        return value

    def with_option(self, key: str, option: str, low: int) -> int | None:
        text = _text(self.rules.get(key))
        if text.lower() == option:
            return -1
        value = _int(text)
        if value is None or value < low:
            self.fail(
                f"rules.{key}", f"must be {option!r} or an integer of at least {low}, not {text!r}"
            )
        return value

    def check_mode_rules(self, mode: str | None, seats: int | None, flags: dict[str, bool]) -> None:
        at = "rules"
        if seats is not None and seats > 0:
            if mode == "bottomsUpUsingPercentageThreshold":
                self.fail(f"{at}.numberOfWinners", f"must be 0 when winnerElectionMode is {mode}")
            if seats > 1:
                if mode != "multiPassIrv":
                    for key in ("continueUntilTwoCandidatesRemain", "batchElimination"):
                        if flags[key]:
                            self.fail(
                                f"{at}.{key}",
                                "can't be true in a multi-seat contest unless multiPassIrv",
                            )
                if flags["doesFirstRoundDetermineThreshold"]:
                    self.fail(
                        f"{at}.doesFirstRoundDetermineThreshold",
                        "can't be true in a multi-seat contest",
                    )
            elif mode is not None and mode != "singleWinnerMajority":
                self.fail(f"{at}.winnerElectionMode", f"can't be {mode} in a single-seat contest")
        elif seats == 0:
            if mode != "bottomsUpUsingPercentageThreshold":
                self.fail(
                    f"{at}.numberOfWinners", "0 winners needs bottomsUpUsingPercentageThreshold"
                )
            self.percentage()
        if mode == "bottomsUpUsingPercentageThreshold" and flags["batchElimination"]:
            self.fail(f"{at}.batchElimination", f"can't be true when winnerElectionMode is {mode}")
        if mode not in (
            "multiWinnerAllowOnlyOneWinnerPerRound",
            "multiWinnerAllowMultipleWinnersPerRound",
        ):
            for key in ("nonIntegerWinningThreshold", "hareQuota"):
                if flags[key]:
                    self.fail(f"{at}.{key}", f"can't be true when winnerElectionMode is {mode}")
        if flags["nonIntegerWinningThreshold"] and flags["hareQuota"]:
            self.fail(
                f"{at}.hareQuota", "nonIntegerWinningThreshold and hareQuota can't both be true"
            )

    def percentage(self) -> None:
        text = _text(self.rules.get("multiSeatBottomsUpPercentageThreshold"))
        try:
            ok = bool(text) and Decimal(1) <= Decimal(text) <= Decimal(100)
        except InvalidOperation:
            ok = False
        if not ok:
            self.fail(
                "rules.multiSeatBottomsUpPercentageThreshold",
                f"must be a number from 1 to 100, not {text!r}",
            )

    # -- sources -------------------------------------------------------------------------------

    def check_sources(self, rules: RctabRules | None, flags: dict[str, bool]) -> list[CvrSource]:
        if not self.raw_sources:
            self.fail("cvrFileSources", "at least one cast vote record source is required")
        out: list[CvrSource] = []
        seen: set[Path] = set()
        overvote_rule = _text(self.rules.get("overvoteRule"))
        for k, raw in enumerate(self.raw_sources):
            source = SourceCheck(self, f"cvrFileSources[{k}]", raw, overvote_rule, flags).check()
            if source is None:
                continue
            if source.path in seen:
                self.fail(f"cvrFileSources[{k}].filePath", f"duplicate source {source.path}")
            seen.add(source.path)
            out.append(source)
        return out

    # -- candidates ----------------------------------------------------------------------------

    def check_candidates(self, sources: list[CvrSource]) -> list[CandidateSpec]:
        out: list[CandidateSpec] = []
        seen: set[str] = set()
        labels = {_text(s.get(k)).lower() for s in self.raw_sources for k in LABELS} - {""}
        for k, raw in enumerate(self.raw_candidates):
            at = f"candidates[{k}]"
            name = _text(raw.get("name"))
            if not name:
                self.fail(f"{at}.name", "a candidate name is required")
            aliases = [_text(a) for a in raw.get("aliases") or [] if _text(a)]
            code = _text(raw.get("code"))
            aliases += [code] if code else []
            for alias in [*aliases, name] if name else aliases:
                if alias in seen:
                    self.fail(at, f"duplicate candidate name or alias {alias!r}")
                elif alias.lower() in RESERVED or alias.lower() in labels:
                    self.fail(at, f"{alias!r} is reserved or used as a label of a source")
                seen.add(alias)
            excluded = self.flag(raw, at, "excluded")
            out.append(CandidateSpec(name, tuple(a for a in aliases if a != name), excluded))
        if not out:
            self.fail("candidates", "at least one declared candidate is required")
        elif all(c.excluded for c in out):
            self.fail("candidates", "at least one candidate must not be excluded")
        return out


class SourceCheck:
    """The checks of one ``cvrFileSources`` entry (RCTab's performBasicCvrSourceValidation)."""

    def __init__(
        self,
        owner: Validator,
        at: str,
        raw: dict[str, Any],
        overvote_rule: str,
        flags: dict[str, bool],
    ) -> None:
        self.owner, self.at, self.raw = owner, at, raw
        self.overvote_rule, self.flags = overvote_rule, flags

    def fail(self, key: str, message: str) -> None:
        self.owner.fail(f"{self.at}.{key}", message)

    def text(self, key: str) -> str:
        return _text(self.raw.get(key))

    def check(self) -> CvrSource | None:
        file_path = self.text("filePath")
        provider = PROVIDERS.get(self.text("provider"))
        if not file_path:
            self.fail("filePath", "a file path is required")
        if provider is None:
            known = ", ".join(sorted(set(PROVIDERS.values())))
            self.fail("provider", f"{self.text('provider')!r} is not one of {known}")
        self.check_labels()
        path = (self.owner.folder / file_path) if file_path else None
        if path is not None and not path.exists():
            self.fail("filePath", f"cast vote record file not found: {path}")
        columns = {k: self.index(k, provider) for k in _COLUMNS}
        if provider is not None:
            self.check_provider(provider, file_path)
        if not file_path or provider is None:
            return None
        assert path is not None
        return CvrSource(
            provider=provider,
            path=path,
            contest_id=self.text("contestId") or None,
            first_vote_column=columns["firstVoteColumnIndex"],
            first_vote_row=columns["firstVoteRowIndex"],
            id_column=columns["idColumnIndex"],
            batch_column=columns["batchColumnIndex"],
            precinct_column=columns["precinctColumnIndex"],
            overvote_delimiter=self.text("overvoteDelimiter") or None,
            overvote_label=self.text("overvoteLabel") or None,
            skipped_rank_label=self.text("skippedRankLabel") or None,
            undeclared_write_in_label=self.text("undeclaredWriteInLabel") or None,
            treat_blank_as_undeclared_write_in=self.raw.get("treatBlankAsUndeclaredWriteIn")
            is True,
            display_path=file_path,
        )

    def check_labels(self) -> None:
        values = {k: self.text(k) for k in LABELS}
        for key, value in values.items():
            if not value:
                continue
            if value.lower() in RESERVED:
                self.fail(key, f"{value!r} is a reserved term")
            if any(v.lower() == value.lower() for k, v in values.items() if k != key and v):
                self.fail(key, f"{value!r} is also used as another label of this source")

    def index(self, key: str, provider: str | None) -> int | None:
        text = self.text(key)
        if not text:
            if provider in ("ess", "genericCsv") and key in (
                "firstVoteColumnIndex",
                "firstVoteRowIndex",
            ):
                self.fail(key, "required for this provider")
            return None
        high = 100000 if key == "firstVoteRowIndex" else 1000
        value = _int(text)
        if value is None or not 1 <= value <= high:
            self.fail(key, f"must be an integer from 1 to {high}, not {text!r}")
            return None
        return value

    def check_provider(self, provider: str, file_path: str) -> None:
        spreadsheet = provider in ("ess", "genericCsv")
        delimiter = self.text("overvoteDelimiter")
        if spreadsheet:
            if delimiter and re.fullmatch(r".*\\.*|[a-zA-Z0-9.',\-\"\s]+", delimiter, re.S):
                self.fail("overvoteDelimiter", f"{delimiter!r} is not a valid delimiter")
            if delimiter and self.text("overvoteLabel"):
                self.fail(
                    "overvoteDelimiter",
                    "overvoteDelimiter and overvoteLabel can't both be supplied",
                )
        else:
            keys = [
                "firstVoteColumnIndex",
                "firstVoteRowIndex",
                "idColumnIndex",
                "precinctColumnIndex",
                "batchColumnIndex",
                "overvoteDelimiter",
                "skippedRankLabel",
            ]
            if provider != "cdf":
                keys.append("overvoteLabel")
            for key in keys:
                if self.text(key):
                    self.fail(key, f"should not be defined for provider {provider}")
            if self.raw.get("treatBlankAsUndeclaredWriteIn") is True:
                self.fail(
                    "treatBlankAsUndeclaredWriteIn", f"should not be true for provider {provider}"
                )
        if provider == "cdf" and not file_path.lower().endswith((".xml", ".json")):
            self.fail("filePath", "CDF source files must be .json or .xml")
        if not spreadsheet and not self.text("contestId"):
            self.fail("contestId", f"required for provider {provider}")
        if spreadsheet and self.text("contestId"):
            self.fail("contestId", f"should not be defined for provider {provider}")
        self.check_against_rules(provider)

    def check_against_rules(self, provider: str) -> None:
        rule = self.overvote_rule
        if self.text("overvoteLabel") and rule not in (
            "exhaustImmediately",
            "alwaysSkipToNextRank",
        ):
            self.fail(
                "overvoteLabel", "needs overvoteRule exhaustImmediately or alwaysSkipToNextRank"
            )
        slices = [k for k in ("Precinct", "Batch") if self.flags[f"tabulateBy{k}"]]
        if provider == "cdf" and slices:
            self.fail("provider", f"tabulate by {slices[0].lower()} is not available for CDF files")
        if provider == "ess":
            for k in slices:
                if not self.text(f"{k.lower()}ColumnIndex"):
                    self.fail(f"{k.lower()}ColumnIndex", f"required when tabulateBy{k} is on")
            if not self.text("overvoteDelimiter") and rule == "exhaustIfMultipleContinuing":
                self.fail(
                    "overvoteDelimiter",
                    "required for ES&S when overvoteRule is exhaustIfMultipleContinuing",
                )


_OUTPUT_FLAGS = ("tabulateByPrecinct", "tabulateByBatch", "generateCdfJson")
_RULE_FLAGS = (
    "nonIntegerWinningThreshold",
    "doesFirstRoundDetermineThreshold",
    "hareQuota",
    "batchElimination",
    "cutoffElimination",
    "continueUntilTwoCandidatesRemain",
    "exhaustOnDuplicateCandidate",
)
_COLUMNS = (
    "firstVoteColumnIndex",
    "firstVoteRowIndex",
    "idColumnIndex",
    "batchColumnIndex",
    "precinctColumnIndex",
)


def _section(doc: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = doc.get(key)
    return dict(value) if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    """A config value as RCTab's string fields hold it (numbers become their text)."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _int(value: Any) -> int | None:
    text = _text(value)
    return int(text) if re.fullmatch(r"[+-]?\d+", text) else None


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])
