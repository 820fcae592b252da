"""One plain sentence per round, in the counters' words.

``Round 3: H was eliminated; 1 vote moved to E, 2 were exhausted.``
"""

from __future__ import annotations

from shortlist.formats.report.model import Count, CountRound, Movement, Tie, moved
from shortlist.formats.report.numbers import votes_word

#: A transfer to more candidates than this is summed in its sentence (the table has each one).
LISTED_RECIPIENTS = 4

RULES = {
    "lot": "drawing lots",
    "previous-rounds": "the earlier rounds' tallies",
    "first-preferences": "first preferences",
    "order": "the order given in the rules",
    "none": "nothing (they share the place)",
}


def names_of(count: Count, keys: tuple[str, ...] | list[str]) -> str:
    shown = [count.name(k) for k in keys]
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def sentence(count: Count, rnd: CountRound) -> str:
    """What happened in ``rnd``, in one sentence."""
    parts = []
    for keys, what in ((rnd.elected, "elected"), (rnd.eliminated, "eliminated")):
        if keys:
            parts.append(f"{names_of(count, keys)} {'was' if len(keys) == 1 else 'were'} {what}")
    for source in rnd.sources:
        mine = [m for m in rnd.movements if m.source == source]
        parts.append(_transfer(count, mine, len(rnd.sources) == 1))
    parts.extend(tie_sentence(count, t) for t in rnd.ties)
    if not parts:
        parts.append("no one was elected or eliminated")
    text = f"Round {rnd.number}: " + "; ".join(parts)
    return text if text.endswith(".") else text + "."  # "Christopher L." ends it already


def _transfer(count: Count, movements: list[Movement], alone: bool) -> str:
    first = movements[0]
    to = [m for m in movements if m.to is not None]
    bits = []
    if len(to) > LISTED_RECIPIENTS:
        bits.append(f"{votes_word(moved(to))} moved to {len(to)} candidates")
    elif to:
        bits.append(f"{votes_word(to[0].votes)} moved to {count.name(to[0].to or '')}")
        bits.extend(f"{votes_word(m.votes)} to {count.name(m.to or '')}" for m in to[1:])
    for m in movements:
        if m.to is None:
            verb = "was" if m.votes.value == 1 else "were"
            what = "exhausted" if m.label == "Exhausted" else "lost to rounding"
            bits.append(f"{m.votes.shown} {verb} {what}")
    text = ", ".join(bits) or "nothing moved"
    if first.kind == "surplus":
        return f"{count.name(first.source)}'s surplus: {text}"
    return text if alone else f"from {count.name(first.source)}: {text}"


def tie_sentence(count: Count, tie: Tie) -> str:
    """How a tie was broken: who was tied, for what, by which rule, who was chosen."""
    rule = RULES.get(tie.rule, tie.rule)
    seed = f" (seed {tie.seed})" if tie.seed is not None else ""
    text = (
        f"{names_of(count, tie.tied)} were tied ({tie.purpose}); broken by {rule}{seed}: "
        f"{names_of(count, tie.chosen) or 'no one'} chosen"
    )
    return text + (f" ({tie.detail})" if tie.detail else "")
