"""Announcement cards: the card of one category is refused for another, and any edit shows."""

from __future__ import annotations

import pytest

from shortlist.trust.body import BodyKey
from shortlist.trust.cards import Card, check_card, make_card
from shortlist.trust.errors import VerificationError

KEY = BodyKey.generate()


def _card(category: str = "picture", name: str = "Best Picture") -> Card:
    return Card(
        f"academy/{category}/final", category, name, "Final", ("Moonlight",), ("m",),
        "ab" * 32, KEY.public.hex,
    )  # fmt: skip


def test_a_card_checks_for_its_category_by_key_or_name() -> None:
    svg = make_card(_card(), KEY)
    assert check_card(svg, "picture").winners == ("Moonlight",)
    assert check_card(svg, "best picture").category == "picture"


def test_the_card_of_another_category_is_refused() -> None:
    svg = make_card(_card("actress", "Actress in a Leading Role"), KEY)
    with pytest.raises(VerificationError, match="not picture"):
        check_card(svg, "picture")


@pytest.mark.parametrize(
    ("shown", "forged"),
    [
        (">Moonlight<", ">La La Land<"),
        (">Best Picture<", ">Best Director<"),
        ('"winners": ["Moonlight"]', '"winners": ["La La Land"]'),
        ('"category": "picture"', '"category": "directing"'),
    ],
    ids=["visible winner", "visible category", "signed winner", "signed category"],
)
def test_an_edited_card_is_refused(shown: str, forged: str) -> None:
    svg = make_card(_card(), KEY)
    assert shown in svg
    with pytest.raises(VerificationError):
        check_card(svg.replace(shown, forged), "picture")


def test_a_card_signed_by_another_key_is_refused() -> None:
    other = BodyKey.generate()
    svg = make_card(_card(), other)  # claims KEY's public key but is signed by another
    with pytest.raises(VerificationError, match="signature"):
        check_card(svg, "picture")
