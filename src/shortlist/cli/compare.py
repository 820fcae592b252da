"""``shortlist compare``: count one ballot file by several methods and show where they differ."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

FORMAT = "shortlist-compare/1"
DEFAULT_RANKED = "plurality,irv,borda,bucklin,coombs,copeland,minimax,schulze,ranked-pairs"
DEFAULT_SCORES = "score-sum,score-average,star,rrv"
DEFAULT_APPROVAL = "approval,score-average"
SCORE_SUFFIXES = (".cat", ".starvote")


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-m",
    "--methods",
    metavar="A,B,C",
    help=f"Methods to compare, comma-separated. Default for ranked ballots: {DEFAULT_RANKED}; "
    f"for score ballots: {DEFAULT_SCORES}; approval ballots: {DEFAULT_APPROVAL}.",
)
@click.option(
    "-s",
    "--seats",
    type=int,
    default=1,
    show_default=True,
    help="Seats to fill (methods that elect one winner, such as irv and condorcet, elect one).",
)
@click.option(
    "--scores",
    "as_scores",
    is_flag=True,
    help="Read PATH as score/approval/choice ballots (a CSV whose header names the "
    "candidates). Implied by a .cat or .starvote file or by methods that count scores only.",
)
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: for people; json: a shortlist-compare/1 document with every result.",
)
def compare(
    path: Path, methods: str | None, seats: int, as_scores: bool, output_format: str
) -> None:
    """Count PATH by several methods: the winners side by side, the pairwise matrix, and
    where the methods disagree.

    \b
    Examples:
      shortlist compare ballots.soc
      shortlist compare ballots.csv --methods plurality,irv,schulze --format json
      shortlist compare scores.csv --methods score-average,star,approval --scores
    """
    from shortlist.methods import registry

    scores = as_scores or path.suffix.lower() in SCORE_SUFFIXES
    chosen = [registry.get(n) for n in _method_names(methods, scores)]
    kinds = {m.ballots for m in chosen if m.name != "plurality"}
    if len(kinds) > 1:
        raise click.UsageError("compare ranked methods and score methods in separate runs")
    profile = _read(path, scores or kinds == {"scores"})
    if methods is None and getattr(profile, "kind", "") in ("approval", "choice"):
        chosen = [registry.get(n) for n in _method_names(DEFAULT_APPROVAL, True)]
    results = {}
    for method in chosen:
        values = {} if method.rules_type.single_winner else {"seats": seats}
        results[method.name] = method.count(profile, method.rules(values))
    doc = comparison(profile, results)
    if output_format == "json":
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        click.echo(render_table(doc))


def _method_names(methods: str | None, scores: bool) -> list[str]:
    text = methods or (DEFAULT_SCORES if scores else DEFAULT_RANKED)
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise click.UsageError("--methods names no method")
    if len(set(names)) != len(names):
        raise click.UsageError("--methods names a method twice")
    return names


def _read(path: Path, scores: bool) -> Any:
    if scores:
        from shortlist.formats.scores import read_scores

        return read_scores(path)
    from shortlist.formats import read_ballots

    return read_ballots(path).profile


def comparison(profile: Any, results: dict[str, Any]) -> dict[str, Any]:
    """The shortlist-compare/1 document: winners per method, agreement, pairwise matrix."""
    groups: dict[tuple[str, ...], list[str]] = {}
    rows = []
    for name, result in results.items():
        key = tuple(result.winners)
        groups.setdefault(key, []).append(name)
        rows.append(
            {
                "method": name,
                "winners": list(result.winners),
                "tied_winners": list(result.tied_winners),
                "tiebreaks": sorted(
                    {t.rule for r in result.rounds for t in r.tiebreaks if t.purpose == "elect"}
                ),
            }
        )
    doc: dict[str, Any] = {
        "format": FORMAT,
        "candidates": list(profile.candidates),
        "methods": rows,
        "agree": len(groups) == 1,
        "groups": [{"winners": list(k), "methods": v} for k, v in groups.items()],
        "results": {name: r.to_json() for name, r in results.items()},
    }
    matrix = _pairwise(profile)
    if matrix is not None:
        doc["pairwise"] = matrix
    return doc


def _pairwise(profile: Any) -> dict[str, Any] | None:
    from shortlist.methods.ballots import Profile
    from shortlist.methods.condorcet import pairwise_count

    if not isinstance(profile, Profile):
        return None
    pw = pairwise_count(profile)
    names = [profile.candidates[c] for c in pw.codes]
    support = {
        a: {b: int(pw.support[i, j]) for j, b in enumerate(names)} for i, a in enumerate(names)
    }
    margin = pw.margin
    margins = {a: {b: int(margin[i, j]) for j, b in enumerate(names)} for i, a in enumerate(names)}
    return {"candidates": names, "support": support, "margin": margins}


def render_table(doc: dict[str, Any]) -> str:
    """The comparison for people: winners, the pairwise matrix, agreement."""
    lines = ["Winners by method", ""]
    width = max(len(r["method"]) for r in doc["methods"])
    for row in doc["methods"]:
        text = ", ".join(row["winners"]) or "(none)"
        if row["tied_winners"]:
            how = "+".join(row["tiebreaks"]) or "not broken"
            text += f"   [tie: {', '.join(row['tied_winners'])}; {how}]"
        lines.append(f"  {row['method']:<{width}}  {text}")
    if "pairwise" in doc:
        lines += ["", "Pairwise margins (row over column; support in brackets)", ""]
        lines += _matrix_lines(doc["pairwise"])
    lines.append("")
    if doc["agree"]:
        lines.append("All methods agree.")
    else:
        lines.append("The methods disagree:")
        for group in doc["groups"]:
            who = ", ".join(group["winners"]) or "(none)"
            lines.append(f"  {who}: {', '.join(group['methods'])}")
    return "\n".join(lines)


def _matrix_lines(pairwise: dict[str, Any]) -> list[str]:
    names = pairwise["candidates"]
    cells = {
        (a, b): "" if a == b else f"{pairwise['margin'][a][b]:+d} ({pairwise['support'][a][b]})"
        for a in names
        for b in names
    }
    width = max([len(n) for n in names] + [len(c) for c in cells.values()])
    head = " " * (width + 2) + "  ".join(f"{n:>{width}}" for n in names)
    body = [f"  {a:<{width}}" + "  ".join(f"{cells[a, b]:>{width}}" for b in names) for a in names]
    return [head, *body]
