"""The STV arithmetics: exact, fixed(p) and guarded(p,g), as Droop defines them."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from shortlist.methods.stv_arithmetic import Reckoner


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("exact", Reckoner("exact")),
        ("rational", Reckoner("exact")),
        ("fixed(4)", Reckoner("fixed", 4)),
        ("fixed:9", Reckoner("fixed", 9)),
        ("guarded(18,9)", Reckoner("guarded", 18, 9)),
        ("guarded(18)", Reckoner("guarded", 18, 9)),
        (" Guarded(6, 2) ", Reckoner("guarded", 6, 2)),
    ],
)
def test_parse(text: str, expected: Reckoner) -> None:
    assert Reckoner.parse(text) == expected
    assert Reckoner.parse(str(expected)) == expected


@pytest.mark.parametrize("text", ["float", "fixed", "fixed(4,2)", "guarded()", "decimal(3)"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        Reckoner.parse(text)


def test_fixed_truncates_products_and_quotients_or_rounds_them_up() -> None:
    r = Reckoner.parse("fixed(4)")
    third = r.div(r.one, r.whole(3))
    assert r.fraction(third) == F(3333, 10000)
    assert r.fraction(r.div(r.one, r.whole(3), up=True)) == F(3334, 10000)
    assert r.fraction(r.mul(third, third)) == F(1110, 10000)  # 0.11108889 truncated
    assert r.fraction(r.mul(third, third, up=True)) == F(1111, 10000)
    assert r.fraction(r.epsilon) == F(1, 10000)
    assert not r.decides_exactly
    assert r.fraction(r.power_of_ten(2)) == F(1, 100) and r.power_of_ten(5) == 0


def test_exact_is_exact() -> None:
    r = Reckoner.parse("exact")
    assert r.div(r.one, r.whole(3)) == F(1, 3)
    assert r.mul(F(1, 3), F(3, 7)) == F(1, 7)
    assert r.epsilon == 0 and r.decides_exactly
    assert r.from_fraction(F(2, 3)) == F(2, 3)


def test_guarded_compares_within_half_a_unit_of_precision() -> None:
    r = Reckoner.parse("guarded(4,2)")  # 6 places held, 4 that count
    assert r.decides_exactly
    a = r.from_fraction(F(1, 3))  # 0.333333
    assert r.eq(a, r.from_fraction(F(333340, 10**6)))  # differ by 0.7e-5 < 0.5e-4
    assert r.lt(a, r.from_fraction(F(333390, 10**6)))  # differ by 5.7e-5
    assert r.cmp(r.whole(2), r.whole(1)) == 1 and r.cmp(r.whole(1), r.whole(2)) == -1
    # rounding direction is ignored when there are guard digits (Droop)
    assert r.div(r.one, r.whole(3), up=True) == r.div(r.one, r.whole(3))
    no_guard = Reckoner.parse("guarded(4,0)")
    assert not no_guard.decides_exactly
    assert no_guard.lt(no_guard.from_fraction(F(1, 3)), no_guard.from_fraction(F(3334, 10000)))
