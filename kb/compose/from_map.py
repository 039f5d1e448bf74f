"""The answer drafted from the who-does-what map: the conclusion's sentences, then each concerned actor's row;
every statement cites all the passages its entry rests on."""

from __future__ import annotations

from kb.compose.citations import Citer
from kb.compose.conclusion import MAX_SENTENCES, conclusion
from kb.compose.draft import Draft, DraftStatement
from kb.compose.entries import ScoredEntry
from kb.compose.query import Query
from kb.compose.table import category, table
from kb.index.store import Store
from kb.responsibilities import MapEntry, Proposition, ResponsibilityMap


def from_map(query: Query, entries: list[ScoredEntry], propositions: list[tuple[MapEntry, Proposition, float]],
             store: Store, citer: Citer, responsibilities: ResponsibilityMap | None = None) -> Draft:
    def statement(entry: MapEntry, text: str) -> DraftStatement:
        keys = [citer.use(store.chunk(b.chunk_id), b.start, b.end) for b in entry.basis]
        return DraftStatement(text, list(dict.fromkeys(keys)), entry.id, entry.actor)

    # the sentence the réponse has no room for goes to its actor's row, whatever its topic
    said = conclusion(query, entries, propositions, limit=MAX_SENTENCES + 1, responsibilities=responsibilities)
    said, unsaid = said[:MAX_SENTENCES], {e.id for e, _ in said[MAX_SENTENCES:]}
    draft = Draft(conclusion=[statement(entry, text) for entry, text in said])
    for actor, picked in table(query, entries, [e.id for e, _ in said], unsaid).items():
        for scored in picked:
            draft.add(actor, category(scored.entry.topic), statement(scored.entry, scored.entry.statement))
    return draft
