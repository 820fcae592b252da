"""Announcement cards: one SVG per category, carrying the category, the winner(s), the round's
commitment and the body's signature, so the card read on stage can be checked to be that
category's card (the 2017 envelope error) and to match the sealed results.

The card's facts are in a ``<metadata>`` element as canonical JSON; the visible text repeats
them (each ``<text>`` carries ``data-field``). :func:`read_card` refuses a card whose visible text
differs from its facts, whose signature does not check, or that names another category.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html import escape
from typing import Any

from shortlist.trust.body import BodyKey, BodyPublicKey
from shortlist.trust.canonical import canonical
from shortlist.trust.errors import VerificationError

FORMAT = "shortlist-card/1"
_SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Card:
    """What an announcement card says."""

    round: str
    category: str
    category_name: str
    round_name: str
    winners: tuple[str, ...]
    winner_keys: tuple[str, ...]
    commitment: str
    body_key: str

    def facts(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "round": self.round, "category": self.category,
            "category_name": self.category_name, "round_name": self.round_name,
            "winners": list(self.winners), "winner_keys": list(self.winner_keys),
            "commitment": self.commitment, "body_key": self.body_key,
        }  # fmt: skip

    @property
    def public(self) -> BodyPublicKey:
        return BodyPublicKey.from_hex(self.body_key, "card's body key")

    def names(self, category: str) -> bool:
        """Whether this card is for ``category`` (its key or its name, any case)."""
        wanted = category.strip().casefold()
        return wanted in (self.category.casefold(), self.category_name.casefold())


def _line(field: str, text: str, y: int, size: int, weight: str = "normal") -> str:
    return (
        f'  <text data-field="{field}" x="300" y="{y}" font-size="{size}" '
        f'font-weight="{weight}" text-anchor="middle">{escape(text)}</text>'
    )


def make_card(card: Card, key: BodyKey) -> str:
    """The card as SVG text, signed by ``key``."""
    facts = card.facts()
    signature = key.sign(canonical(facts))
    lines = [
        _line("category_name", card.category_name, 70, 30, "bold"),
        _line("round_name", card.round_name, 105, 18),
    ]
    lines += [_line("winner", title, 160 + 36 * i, 26) for i, title in enumerate(card.winners)]
    bottom = 200 + 36 * len(card.winners)
    lines += [
        _line("commitment", f"commitment {card.commitment}", bottom, 9),
        _line("fingerprint", f"body key {card.public.fingerprint}", bottom + 16, 9),
    ]
    metadata = json.dumps({"facts": facts, "signature": signature}, sort_keys=True)
    return "\n".join(
        [
            '<svg xmlns="http://www.w3.org/2000/svg" width="600" '
            f'height="{bottom + 40}" role="img" aria-label="{escape(card.category_name)}">',
            f'  <metadata id="shortlist-card">{escape(metadata, quote=False)}</metadata>',
            f'  <rect width="600" height="{bottom + 40}" fill="white" stroke="black"/>',
            *lines,
            "</svg>",
            "",
        ]
    )


def read_card(svg: str, where: str = "card") -> Card:
    """The card's facts, once its signature and visible text check out."""
    if "<!DOCTYPE" in svg.upper() or "<!ENTITY" in svg.upper():
        raise VerificationError(f"{where}: a card has no DOCTYPE or entities")
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as exc:
        raise VerificationError(f"{where}: not an SVG card ({exc})") from None
    metadata = root.find(f"{_SVG}metadata")
    if metadata is None or not metadata.text:
        raise VerificationError(f"{where}: no shortlist card metadata")
    try:
        signed = json.loads(metadata.text)
        facts, signature = signed["facts"], signed["signature"]
        card = _card(facts)
    except (ValueError, KeyError, TypeError):
        raise VerificationError(f"{where}: the card's metadata cannot be read") from None
    if not card.public.verifies(canonical(facts), signature):
        raise VerificationError(f"{where}: the body's signature on the card does not check")
    _check_visible(root, card, where)
    return card


def _card(facts: dict[str, Any]) -> Card:
    if facts["format"] != FORMAT:
        raise ValueError(facts["format"])
    return Card(
        facts["round"], facts["category"], facts["category_name"], facts["round_name"],
        tuple(facts["winners"]), tuple(facts["winner_keys"]), facts["commitment"],
        facts["body_key"],
    )  # fmt: skip


def _check_visible(root: ET.Element, card: Card, where: str) -> None:
    shown: dict[str, list[str]] = {}
    for text in root.iter(f"{_SVG}text"):
        shown.setdefault(text.get("data-field", ""), []).append(text.text or "")
    expected = {
        "category_name": [card.category_name],
        "round_name": [card.round_name],
        "winner": list(card.winners),
        "commitment": [f"commitment {card.commitment}"],
        "fingerprint": [f"body key {card.public.fingerprint}"],
    }
    for field, values in expected.items():
        if shown.pop(field, []) != values:
            raise VerificationError(f"{where}: the card's visible {field} differs from its facts")
    if shown:
        raise VerificationError(f"{where}: the card shows text that is not among its facts")


def check_card(svg: str, category: str, where: str = "card") -> Card:
    """Read the card and refuse it unless it is ``category``'s card."""
    card = read_card(svg, where)
    if not card.names(category):
        raise VerificationError(
            f"{where}: this card is for {card.category_name} ({card.category}), "
            f"not {category}: do not read it"
        )
    return card
