"""java.util.Random, Collections.shuffle and hash order against values printed by Java 17.

The expected numbers were produced by a throwaway program (/tmp/jr/Ref.java, run with the
OpenJDK 17 installed on the build machine): ``new Random(seed)`` then four ``nextInt()``,
``nextInt(b)`` for b in 1, 2, 3, 7, 16, 100, 1000000007, three ``nextDouble()`` printed with
``Double.toHexString``, and one ``nextLong()``; ``Collections.shuffle`` of A..G with seed 1234;
``String.hashCode``; and the ``keySet()`` order of a ``HashMap`` filled one name at a time and
of a ``new HashSet<>(list)``.
"""

from __future__ import annotations

import pytest

from shortlist.methods.javarandom import (
    JavaRandom,
    copied_capacity,
    hash_order,
    java_shuffle,
    java_sorted,
    string_hash,
)

JAVA = {
    0: (
        [-1155484576, -723955400, 1033096058, -1690734402],
        [0, 0, 2, 1, 9, 54, 715581077],
        ["0x1.02d7c1629bc22p-2", "0x1.39dfd2fe0f499p-1", "0x1.f7341ef0890d8p-1"],
        425784808157066482,
    ),
    1: (
        [-1155869325, 431529176, 1761283695, 1749940626],
        [0, 0, 2, 1, 15, 48, 13136569],
        ["0x1.38cdc1ed6ab74p-3", "0x1.46d0dbe136094p-3", "0x1.1baf5df93daedp-1"],
        -1642673687882326615,
    ),
    42: (
        [-1170105035, 234785527, -1360544799, 205897768],
        [0, 1, 2, 3, 10, 93, 939977175],
        ["0x1.ce165f5e688e8p-2", "0x1.86cd7246976cep-2", "0x1.617f7c3b59p-1"],
        -4388661819516108785,
    ),
    -7: (
        [1155869324, -423064701, -1403676116, -232591881],
        [0, 0, 0, 4, 1, 44, 988357177],
        ["0x1.050ab7732b467p-1", "0x1.f3fd34160eb06p-1", "0x1.185dea4b1fc82p-1"],
        2340506760689790671,
    ),
    140737488355327: (
        [-992383821, -259579197, -2094784489, 206307230],
        [0, 0, 1, 3, 5, 55, 657209984],
        ["0x1.9e99d6c744ep-1", "0x1.23a5fd4a8b21ep-1", "0x1.8551a072242bp-3"],
        7426961803318296636,
    ),
    -140737488355328: (
        [991999072, 1423528248, -1114387590, 456749246],
        [0, 1, 1, 2, 1, 30, 789322894],
        ["0x1.816be0f14de11p-1", "0x1.cefe95f07a4c8p-4", "0x1.ee683d61121bp-2"],
        -8797587226550225678,
    ),
}
BOUNDS = (1, 2, 3, 7, 16, 100, 1000000007)


@pytest.mark.parametrize("seed", sorted(JAVA))
def test_sequence_matches_java(seed: int) -> None:
    ints, bounded, doubles, long = JAVA[seed]
    rnd = JavaRandom(seed)
    assert [rnd.next_int() for _ in ints] == ints
    assert [rnd.next_int(b) for b in BOUNDS] == bounded
    assert [rnd.next_double() for _ in doubles] == [float.fromhex(d) for d in doubles]
    assert rnd.next_long() == long


def test_pick_index_matches_java_floor() -> None:
    rnd = JavaRandom(7)
    assert (rnd.pick_index(3), rnd.pick_index(5)) == (2, 3)


def test_shuffle_matches_collections_shuffle() -> None:
    items = list("ABCDEFG")
    java_shuffle(items, JavaRandom(1234))
    assert items == list("GECADFB")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("a", 97),
        ("Candidate A Name", 1732594823),
        ("Betsy Hodges", 1030358977),
        ("Undeclared Write-ins", -1300842765),
        ("Ω zeta", 1088998639),
    ],
)
def test_string_hash(text: str, expected: int) -> None:
    assert string_hash(text) == expected


NAMES = [
    "Jacob Frey",
    "Betsy Hodges",
    "Tom Hoch",
    "Raymond Dehn",
    "Nekima Levy-Pounds",
    "David Rosenfeld",
    "Charlie Gers",
    "Captain Jack Sparrow",
    "Al Flowers",
    "Aswar Rahman",
    "L.A. Nik",
    "Christopher Zimmerman",
    "Ronald Lischeid",
    "Ian Simpson",
    "Theron Preston Washington",
    "David John Wilson",
    "Gregg A. Iverson",
    "Troy Benjegerdes",
    "Undeclared Write-ins",
]


def test_hash_map_order_matches_java() -> None:
    expected = [
        "Aswar Rahman",
        "Tom Hoch",
        "David Rosenfeld",
        "Raymond Dehn",
        "L.A. Nik",
        "Undeclared Write-ins",
        "Christopher Zimmerman",
        "Betsy Hodges",
        "Ronald Lischeid",
        "Jacob Frey",
        "Ian Simpson",
        "Charlie Gers",
        "Captain Jack Sparrow",
        "Theron Preston Washington",
        "David John Wilson",
        "Gregg A. Iverson",
        "Troy Benjegerdes",
        "Al Flowers",
        "Nekima Levy-Pounds",
    ]
    assert hash_order(NAMES) == expected


def test_hash_set_copy_order_matches_java() -> None:
    first = NAMES[:12]
    expected = [
        "Aswar Rahman",
        "Tom Hoch",
        "David Rosenfeld",
        "Raymond Dehn",
        "L.A. Nik",
        "Christopher Zimmerman",
        "Betsy Hodges",
        "Jacob Frey",
        "Charlie Gers",
        "Captain Jack Sparrow",
        "Al Flowers",
        "Nekima Levy-Pounds",
    ]
    assert hash_order(first, copied_capacity(len(first))) == expected


def test_java_sorted_uses_utf16_units() -> None:
    # U+FF21 (one unit, 0xFF21) sorts after U+1F600 (surrogates 0xD83D...) in Java
    assert java_sorted(["\uff21", "\U0001f600"]) == ["\U0001f600", "\uff21"]
