"""Citations: what the answer quotes, numbered official text first (then the fiches that summarise it), each
with how current its text is and the article's NOTA as a note. An official passage is quoted whole (a lawyer
reads the clause in its paragraph); a fiche by the span that proves the statement."""

from __future__ import annotations

from kb.index.store import Store
from kb.types import Chunk, Citation


class Citer:
    """Collects the passages an answer uses, then numbers them into verified-quote citations."""

    def __init__(self, store: Store, notes: dict[str, str]):
        self.store = store
        self.notes = notes
        self.used: dict[str, tuple[Chunk, int, int]] = {}  # citation key → what it quotes

    def use(self, chunk: Chunk, start: int, end: int) -> str:
        """The key of the citation for a span of `chunk` (official: the whole passage, shared)."""
        if chunk.kind == "official":
            self.used.setdefault(chunk.chunk_id, (chunk, chunk.start, chunk.end))
            return chunk.chunk_id
        key = f"{chunk.chunk_id}@{start}"
        self.used.setdefault(key, (chunk, start, end))
        return key

    def number(self) -> tuple[list[Citation], dict[str, int]]:
        """Numbered by document family: an official text first, then the fiches that summarise it."""
        docs = self.store.documents
        order: list[str] = []
        family: dict[str, str] = {}
        for key, (chunk, _, _) in self.used.items():
            doc = docs[chunk.doc_id]
            fam = (next((a for a in doc.about if a in docs), doc.about[0] if doc.about else doc.doc_id)
                   if doc.is_fiche else doc.doc_id)
            family[key] = fam
            if fam not in order:
                order.append(fam)
        ranked = sorted(self.used, key=lambda k: (order.index(family[k]), self.used[k][0].kind == "fiche"))
        citations = [self.cite(n, *self.used[k]) for n, k in enumerate(ranked, start=1)]
        return citations, {k: n for n, k in enumerate(ranked, start=1)}

    def cite(self, n: int, chunk: Chunk, start: int, end: int) -> Citation:
        doc = self.store.documents[chunk.doc_id]
        return Citation(n, chunk.chunk_id, chunk.doc_id, chunk.title, chunk.locator, doc.text[start:end], chunk.url,
                        chunk.version, chunk.status, chunk.kind, start, end, verified_on=doc.verified_on,
                        amended_by=doc.possibly_amended_by, note=" ".join(self.notes.get(doc.doc_id, "").split()))


def nota_notes(chunks: list[Chunk]) -> dict[str, str]:
    """doc id → its NOTA (Légifrance's note on entry into force), shown with every citation of the article."""
    notes: dict[str, str] = {}
    for chunk in chunks:
        if chunk.kind == "nota":
            notes[chunk.doc_id] = " ".join(filter(None, (notes.get(chunk.doc_id), chunk.text)))
    return notes
