"""An answer before its citations are numbered: each statement with the keys of the passages that back it.
Both compositions (the map's, the extractive fallback) produce one; numbering turns it into Statements."""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.types import CATEGORIES, ActorRow, Statement


@dataclass
class DraftStatement:
    text: str
    keys: list[str]  # citation keys (Citer.use), the first one first
    map_id: str = ""
    actor: str = ""

    def numbered(self, number: dict[str, int]) -> Statement:
        numbers = sorted({number[k] for k in self.keys})
        first = number[self.keys[0]] if not self.map_id else numbers[0]
        return Statement(self.text, first, self.map_id, tuple(n for n in numbers if n != first), self.actor)


@dataclass
class Draft:
    conclusion: list[DraftStatement] = field(default_factory=list)
    brief: list[DraftStatement] = field(default_factory=list)
    rows: dict[str, dict[str, list[DraftStatement]]] = field(default_factory=dict)  # actor → category → statements

    def add(self, actor: str, category: str, statement: DraftStatement) -> None:
        self.rows.setdefault(actor, {c: [] for c in CATEGORIES})[category].append(statement)

    def numbered(self, number: dict[str, int]) -> tuple[list[Statement], list[Statement], list[ActorRow]]:
        rows = [ActorRow(actor, *[[s.numbered(number) for s in cells[c]] for c in CATEGORIES])
                for actor, cells in self.rows.items()]
        return ([s.numbered(number) for s in self.conclusion], [s.numbered(number) for s in self.brief], rows)
