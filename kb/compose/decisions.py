"""The CNIL and Conseil d'État decisions an answer lists: only when the question asks about sanctions or names a
decision, then those retrieved, named, or on a cited article and a concerned actor."""

from __future__ import annotations

from kb.types import Citation, Decision, Document

DECISIONS_MAX = 4


def decisions_asked(asks_sanctions: bool, references: list[str], documents: dict[str, Document]) -> bool:
    named = set(references)
    return asks_sanctions or any(d.decision and ({d.doc_id} | set(d.about)) & named for d in documents.values())


def related_decisions(documents: dict[str, Document], hit_docs: set[str], references: list[str],
                      citations: list[Citation], actors: list[str]) -> list[Decision]:
    cited = {c.doc_id for c in citations}
    seen = hit_docs | cited
    picked = []
    for doc in documents.values():
        d = doc.decision
        if d is None:
            continue
        named = set(references) & ({doc.doc_id} | set(doc.about))
        if doc.doc_id in seen or named or (d.sanctioned_actor in actors and cited & set(d.breaches)):
            picked.append((0 if named or doc.doc_id in seen else 1, d))
    picked.sort(key=lambda x: (x[0], x[1].date))
    return [d for _, d in picked[:DECISIONS_MAX]]
