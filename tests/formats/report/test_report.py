"""The results page of a count: its numbers are the Result's, on real corpus cases.

Every check reads the page (html.parser) and compares what it shows with the Result the count
returned: the winners, each round's tallies, threshold, exhausted and transfers, the sentences,
the charts and their table equivalents. Nothing is compared with hard-coded page text.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import pytest
from html_tree import Element, parse

from shortlist.formats import read_ballots
from shortlist.formats.report import fragments, page
from shortlist.formats.report.charts import BAR_SPACE, SANKEY_HEIGHT
from shortlist.formats.report.numbers import Votes
from shortlist.methods import registry
from shortlist.methods.ballots import Profile
from shortlist.methods.result import Result
from shortlist.methods.scored import ScoreProfile

CASES = Path(__file__).parents[2] / "cases"


def count_file(path: Path, method: str) -> Result:
    ballots = read_ballots(path)
    return registry.count(ballots.profile, method, {"seats": ballots.seats})


def scottish() -> Result:
    return count_file(CASES / "scottish" / "dundee_2022_ward8.blt", "stv-scottish")


def meek() -> Result:
    return count_file(CASES / "ers97" / "ers97.blt", "stv-meek")


def academy() -> Result:
    case = json.loads((CASES / "academy" / "nominations_61.json").read_text())
    profile = Profile.from_rankings(
        [b["ranking"] for b in case["ballots"]], weights=[b["count"] for b in case["ballots"]]
    )
    return registry.count(profile, "academy-nominations", case["counts"][0]["rules"])


def irv() -> Result:
    profile = Profile.from_rankings(
        [["P", "Q", "R"], ["Q", "R", "P"], ["R", "Q", "P"], ["S", "R"]], weights=[30, 26, 20, 9]
    )
    return registry.count(profile, "irv")


RESULTS = {"scottish": scottish, "meek": meek, "academy": academy, "irv": irv}


@pytest.fixture(scope="module", params=sorted(RESULTS))
def counted(request: pytest.FixtureRequest) -> tuple[Result, Element]:
    result = RESULTS[request.param]()
    return result, parse(page(result, title="Results"))


def exact(cell: Element) -> Fraction:
    return Fraction(cell.find("span").attrs["data-exact"])


def test_the_outcome_comes_first_with_the_winners_in_order(counted):
    result, root = counted
    main = root.find("main")
    first_section = main.find("section")
    assert "report-outcome" in first_section.attrs["class"]
    shown = [li.text.strip() for li in first_section.find("ol").find_all("li")]
    assert shown == list(result.winners)


def test_every_round_has_its_sentence_naming_who_was_elected_or_eliminated(counted):
    result, root = counted
    story = root.find("ol", **{"class": "report-sentences"}).find_all("li")
    assert [int(li.attrs["data-round"]) for li in story] == [r.number for r in result.rounds]
    for li, rnd, doc in zip(story, result.rounds, result.to_json()["rounds"], strict=True):
        text = li.text
        assert text.startswith(f"Round {rnd.number}: ")
        for name in (*rnd.elected, *rnd.eliminated):
            assert name in text
        for t in doc["transfers"]:
            for key in ("exhausted", "residual"):
                if Fraction(t[key]):
                    assert f"{Votes.of(t[key]).shown} " in text


def test_the_round_table_shows_every_tally_threshold_and_exhausted_exactly(counted):
    result, root = counted
    table = root.find("table", **{"data-table": "rounds"})
    for row in table.find("tbody").find_all("tr"):
        candidate = row.attrs["data-candidate"]
        for cell in row.find_all("td"):
            rnd = result.rounds[int(cell.attrs["data-round"]) - 1]
            if candidate in rnd.tally:
                assert exact(cell) == rnd.tally[candidate]
            else:
                assert not cell.find_all("span", **{"data-exact": "0"}) and "not in" in cell.text
    shown = {r.attrs["data-candidate"] for r in table.find("tbody").find_all("tr")}
    assert shown == {c for r in result.rounds for c in r.tally}
    exhausted = table.find("tr", **{"data-row": "exhausted"}).find_all("td")
    assert [exact(c) for c in exhausted] == [r.exhausted for r in result.rounds]
    if any(r.threshold is not None for r in result.rounds):
        cells = table.find("tr", **{"data-row": "threshold"}).find_all("td")
        assert [exact(c) if c.children else None for c in cells] == [
            r.threshold for r in result.rounds
        ]


def test_each_bar_chart_has_its_threshold_line_and_its_table_next_to_it(counted):
    result, root = counted
    scale = max(
        [Fraction(1)]
        + [v for r in result.rounds for v in r.tally.values()]
        + [r.threshold for r in result.rounds if r.threshold is not None]
    )
    for rnd in result.rounds:
        section = root.find("section", **{"class": "report-round", "data-round": str(rnd.number)})
        svg = section.find("svg", **{"data-chart": "bars"})
        assert svg.attrs["role"] == "img"
        title_id, desc_id = svg.attrs["aria-labelledby"].split()
        assert svg.find("title").attrs["id"] == title_id and svg.find("desc").attrs["id"] == desc_id
        assert re.fullmatch(r"0 0 \d+ \d+", svg.attrs["viewbox"])  # html.parser lowercases
        for candidate, votes in rnd.tally.items():
            bar = next(g for g in svg.find_all("g") if g.attrs.get("data-candidate") == candidate)
            width = Fraction(bar.find("rect").attrs["width"])
            assert abs(width - votes * BAR_SPACE / scale) < Fraction(1, 100)
        lines = svg.find_all("g", **{"class": "report-threshold"})
        if rnd.threshold is None:
            assert not lines
        else:
            assert Fraction(lines[0].attrs["data-threshold"]) == rnd.threshold
            x = Fraction(lines[0].find("line").attrs["x1"])
            assert abs(x - rnd.threshold * BAR_SPACE / scale) < Fraction(1, 100)
        table = section.find("table", **{"data-table": "tally"})
        rows = {r.attrs["data-candidate"]: r for r in table.find("tbody").find_all("tr")}
        assert {k: exact(r.find("td")) for k, r in rows.items()} == dict(rnd.tally)


def test_transfers_have_a_sankey_and_a_table_that_add_up_to_the_result(counted):
    result, root = counted
    for rnd in result.rounds:
        section = root.find("section", **{"class": "report-round", "data-round": str(rnd.number)})
        sankeys = section.find_all("svg", **{"data-chart": "sankey"})
        moved = [t for t in rnd.transfers if t.total]
        assert bool(sankeys) == bool(moved)
        if not moved:
            continue
        assert sankeys[0].attrs["role"] == "img" and sankeys[0].find("title").text
        table = section.find("table", **{"data-table": "transfers"})
        got: dict[tuple[str, str], Fraction] = {}
        for row in table.find("tbody").find_all("tr"):
            key = (row.attrs["data-from"], row.attrs["data-to"])
            got[key] = got.get(key, Fraction(0)) + exact(row.find_all("td")[3])
        want: dict[tuple[str, str], Fraction] = {}
        for t in moved:
            for to, v in [
                *t.to.items(),
                ("Exhausted", t.exhausted),
                ("Lost to rounding", t.residual),
            ]:
                if v:
                    want[(t.source, to)] = want.get((t.source, to), Fraction(0)) + v
        assert got == want
        ribbons = sankeys[0].find_all("path")
        assert {(p.attrs["data-from"], p.attrs["data-to"]) for p in ribbons} == set(want)


def test_the_page_is_self_contained_and_its_ids_unique(counted):
    _, root = counted
    assert not root.find_all("script") and not root.find_all("link")
    for element in root.elements():
        assert "style" not in element.attrs
        for attr in ("src", "href"):
            assert not element.attrs.get(attr, "").startswith(("http:", "https:", "//"))
    ids = [e.attrs["id"] for e in root.elements() if "id" in e.attrs]
    assert len(ids) == len(set(ids))
    for e in root.elements():
        for ref in e.attrs.get("aria-labelledby", "").split():
            assert ref in ids
    assert root.find("html").attrs["lang"] and root.find("title").text
    assert len(root.find_all("main")) == 1


def test_every_table_that_scrolls_can_be_reached_by_keyboard(counted):
    _, root = counted
    for box in root.find_all("div", **{"class": "report-scroll"}):
        assert box.attrs["tabindex"] == "0" and box.attrs["role"] == "region"
        assert box.attrs["aria-labelledby"]


def test_score_and_pairwise_methods_degrade_without_transfers():
    scores = ScoreProfile.from_scores(
        [{"A": 5, "B": 3}, {"A": 1, "B": 4, "C": 2}, {"C": 5}],
        candidates=["A", "B", "C"], scale=(0, 5), kind="score",
    ).grouped()  # fmt: skip
    star = registry.get("star").count(scores, registry.get("star").rules({}))
    root = parse(page(star))
    assert not root.find_all("svg", **{"data-chart": "sankey"})
    assert len(root.find_all("svg", **{"data-chart": "bars"})) == len(star.rounds)
    assert not root.find_all("tr", **{"data-row": "threshold"})
    ranked = Profile.from_rankings([["A", "B", "C"], ["B", "A"], ["C", "B"]], weights=[4, 3, 2])
    schulze = registry.count(ranked, "schulze")
    assert any(v < 0 for r in schulze.rounds for v in r.tally.values())
    root = parse(page(schulze))
    assert not root.find_all("svg")  # negative tallies: the tables only
    assert root.find_all("table", **{"data-table": "tally"})


def test_ties_are_listed_with_the_rule_and_seed_that_broke_them():
    profile = Profile.from_rankings(
        [["A", "B"], ["B", "A"], ["C", "A"], ["D", "A"]], weights=[2, 2, 1, 1]
    )
    result = registry.count(profile, "irv", {"ties": "lot", "seed": 7})
    ties = [t for r in result.rounds for t in r.tiebreaks]
    root = parse(page(result))
    listed = root.find("section", **{"class": "report-ties"}).find_all("li")
    assert len(listed) == len(ties) > 0
    for li, tie in zip(listed, ties, strict=True):
        assert all(name in li.text for name in (*tie.tied, *tie.chosen))
        if tie.seed is not None:
            assert f"seed {tie.seed}" in li.text


def test_names_replace_keys_and_fragments_keep_ids_apart():
    result = irv()
    titles = {k: f"The Film {k}" for k in result.candidates}
    one = fragments(result, titles, prefix="first")
    two = fragments(result, titles, prefix="second", heading="Winner of the second")
    root = parse(f"<div>{one.__html__()}{two.__html__()}</div>")
    ids = [e.attrs["id"] for e in root.elements() if "id" in e.attrs]
    assert len(ids) == len(set(ids))
    outcome = root.find_all("section", **{"class": "report-outcome"})
    assert [li.text for li in outcome[0].find_all("li")] == [titles[w] for w in result.winners]
    assert "Winner of the second" in outcome[1].find("h2").text
    assert "<style" not in one.__html__()


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(21), "21"),
        (Fraction(29, 4), "7.25"),
        (Fraction(220, 21), "≈10.4761"),
        (Fraction(1, 3), "≈0.3333"),
    ],
)
def test_numbers_are_exact_or_cut_never_floats(value, shown):
    votes = Votes.of(value)
    assert votes.shown == shown
    assert Fraction(votes.exact) == value
    assert Fraction(votes.shown.lstrip("≈")) <= value


def test_a_rules_decimals_are_kept_in_sums():
    total = Votes.of("1026.72836") + Votes.of("289.24308")
    assert total.exact.endswith("1315.97144") and Votes.of("1.50000") + Votes.of("2.50000") == (
        Votes(Fraction(4), "4.00000")
    )


RANKINGS = [["A", "B", "C", "D"], ["B", "C", "A"], ["C", "B", "D"], ["D", "C"], ["B", "A"],
            ["E", "F", "A"], ["F", "E"]]  # fmt: skip
WEIGHTS = [7, 5, 4, 2, 3, 2, 1]
#: rctab counts a contest config with its own rules (its page is tested through tabulate)
SWEPT = [m for m in registry.all_methods() if m.name != "rctab"]


def sweep_ballots(method) -> Profile | ScoreProfile:
    if method.ballots != "scores":
        return Profile.from_rankings(RANKINGS, weights=WEIGHTS)
    if method.name == "approval":
        return ScoreProfile.from_approvals(
            [["A", "B"], ["B"], ["C", "D"], ["A"]], candidates=["A", "B", "C", "D"]
        ).grouped()
    scores = [{"A": 5, "B": 3, "C": 1}, {"B": 4, "C": 2}, {"C": 5, "D": 4}, {"A": 2, "D": 5}] * 2
    return ScoreProfile.from_scores(
        scores, candidates=["A", "B", "C", "D"], scale=(0, 5), kind="score"
    ).grouped()


@pytest.mark.parametrize("method", SWEPT, ids=lambda m: m.name)
def test_every_method_renders_a_page_that_matches_its_result(method):
    result = method.count(sweep_ballots(method), method.rules({}))
    root = parse(page(result))
    outcome = root.find("section", **{"class": "report-outcome"})
    assert [li.text for li in outcome.find_all("li")] == list(result.winners)
    story = root.find("ol", **{"class": "report-sentences"}).find_all("li")
    assert len(story) == len(result.rounds)
    tallies = root.find_all("table", **{"data-table": "tally"})
    assert [int(t.attrs["data-round"]) for t in tallies] == [r.number for r in result.rounds]
    moved = sum(1 for r in result.rounds if any(t.total for t in r.transfers))
    assert len(root.find_all("svg", **{"data-chart": "sankey"})) == moved


def test_a_name_ending_in_a_full_stop_ends_its_sentence_once():
    profile = Profile.from_rankings(
        [["Vail, C. L."], ["Bo"], ["Al", "Vail, C. L."]], weights=[3, 2, 1]
    )
    result = registry.count(profile, "irv")
    story = parse(page(result)).find("ol", **{"class": "report-sentences"}).find_all("li")
    assert len(story) == len(result.rounds) > 1
    assert story[0].text.endswith("to Vail, C. L.")
    assert story[-1].text.endswith("Vail, C. L. was elected.")


def test_every_sankey_of_a_count_is_drawn_on_one_scale(counted):
    result, root = counted
    moved = {r.number: sum((t.total for t in r.transfers), Fraction(0)) for r in result.rounds}
    largest = max([Fraction(1), *moved.values()])
    for number, total in moved.items():
        if not total:
            continue
        svg = root.find("section", **{"class": "report-round", "data-round": str(number)}).find(
            "svg", **{"data-chart": "sankey"}
        )
        givers = svg.find_all("rect", **{"class": "report-node report-node--source"})
        drawn = sum(Fraction(g.attrs["height"]) for g in givers)
        assert abs(drawn - total * SANKEY_HEIGHT / largest) < Fraction(len(givers), 100)
