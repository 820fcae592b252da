"""How a round is named outside: ``edition/category/round``."""

from __future__ import annotations

from dataclasses import dataclass

from shortlist.errors import InputError


@dataclass(frozen=True)
class RoundRef:
    edition: str
    category: str
    round: str

    @classmethod
    def parse(cls, text: str) -> RoundRef:
        parts = text.strip().split("/")
        if len(parts) != 3 or not all(parts):
            raise InputError(f"{text!r} does not name a round as EDITION/CATEGORY/ROUND")
        return cls(*parts)

    def __str__(self) -> str:
        return f"{self.edition}/{self.category}/{self.round}"
