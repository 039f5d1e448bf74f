"""« Qui fait quoi » : a row for each actor the question concerns, each cell at most CELL_MAX statements of the
map (sorted into obligations, responsibility, sanctions by their topic), none repeating the conclusion."""

from __future__ import annotations

from kb.compose.entries import ScoredEntry
from kb.compose.query import WHO, Query
from kb.responsibilities import RESPONSIBILITY_TOPICS, SANCTION_TOPICS
from kb.types import ACTORS

ROW_MAX = 4  # statements in the row of the only actor asked
ROWS_MAX = 3  # statements per row when the table has several rows
ROW_FLOOR = 0.6  # a row's further statements score at least this share of the best entry's score (dev)


def table_actors(query: Query, entries: list[ScoredEntry]) -> list[str]:
    if query.form == WHO:
        return list(ACTORS)
    if query.actors:
        return list(query.actors)
    if query.liability:
        return list(ACTORS)
    top = {s.entry.actor for s in entries[:3]}
    return [a for a in ACTORS if a in top]


def category(topic: str) -> str:
    if topic in SANCTION_TOPICS:
        return "sanctions"
    if topic in RESPONSIBILITY_TOPICS:
        return "responsibility"
    return "obligations"


def table(query: Query, entries: list[ScoredEntry], shown: set[str]) -> dict[str, list[ScoredEntry]]:
    """actor → the entries of its row, best first (entries already in the conclusion are left out)."""
    rows = {}
    actors = table_actors(query, entries)
    row_max = ROW_MAX if len(actors) == 1 else ROWS_MAX
    floor = ROW_FLOOR * entries[0].score if entries else 0.0
    for actor in actors:
        own = [s for s in entries if s.entry.actor == actor and s.entry.id not in shown]
        picked = own[:1] + [s for s in own[1:row_max] if s.score >= floor]  # every row asked keeps its best
        if picked:
            rows[actor] = picked
    return rows
