"""The last stage: every quote is the document's text at its offsets (free of gap markers), every corpus sentence
lies inside its citation's quote, and every statement of the map cites quotes that hold all of its proof. A
failure is a bug, never shown to the reader as an answer."""

from __future__ import annotations

from kb.corpus import has_marker
from kb.errors import CitationError
from kb.responsibilities import ResponsibilityMap
from kb.types import Answer, Document


def check_citations(answer: Answer, documents: dict[str, Document],
                    responsibilities: ResponsibilityMap | None = None) -> None:
    for c in answer.citations:
        doc = documents.get(c.doc_id)
        if doc is None or doc.text[c.start:c.end] != c.quote or has_marker(c.quote):
            raise CitationError(f"Citation [{c.n}] non vérifiable dans le corpus ({c.chunk_id}).")
    statements = answer.conclusion + answer.brief
    statements += [s for row in answer.actors for s in row.obligations + row.responsibility + row.sanctions]
    for s in statements:
        if not all(1 <= n <= len(answer.citations) for n in s.numbers):
            raise CitationError(f"Phrase sans citation valide : {s.text[:60]}…")
        quotes = [answer.citations[n - 1].quote for n in s.numbers]
        if s.map_id:
            entry = responsibilities.get(s.map_id) if responsibilities else None
            if entry is None or not all(any(b.quote in q for q in quotes) for b in entry.basis):
                raise CitationError(f"Énoncé de la carte sans passage qui le prouve : {s.map_id}.")
        elif s.text not in quotes[0]:
            raise CitationError(f"Phrase sans citation valide : {s.text[:60]}…")
