"""Hybrid retrieval: dense (Chroma), lexical (bm25s) and the passages the who-does-what map rests on, fused by
reciprocal rank; explicit references pull their document up; official text before the fiches that repeat it;
every actor the question names gets passages that bind it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from kb.config import Settings
from kb.index.store import Store
from kb.legalrefs import actors_asked, asks_sanctions, find_references
from kb.types import Chunk, Hit

CANDIDATES = 40  # per retriever, before fusion
MAP_WEIGHT = 2.0  # the map's list in the fusion: dense and lexical weigh 1, a named text 2 (dev)
TRANSVERSAL_MAX = 2  # passages of one transversal fiche in the top k (dev)


@dataclass
class Retrieval:
    """Fused hits plus the evidence the refusal decision reads."""

    hits: list[Hit]
    references: list[str]  # document ids the question names
    actors: tuple[str, ...]  # actors the question names
    top_dense: float = 0.0  # best cosine similarity
    lexical_hits: int = 0  # chunks sharing at least one query term
    timings: dict[str, float] = field(default_factory=dict)
    query_vector: list[float] | None = None  # the question embedded (dense and hybrid modes)


class HybridRetriever:
    def __init__(self, store: Store, settings: Settings, replaced_by: dict[str, tuple[str, ...]] | None = None):
        """`replaced_by`: a repealed text's id → the texts that now hold its rules (named too when it is)."""
        self.store = store
        self.settings = settings
        self.replaced_by = replaced_by or {}
        # Built once, so that no question walks every passage (it matters at 100,000 passages: eval/SCALE.md).
        self.doc_chunks: dict[str, np.ndarray] = {}
        for i, c in enumerate(store.chunks):
            self.doc_chunks.setdefault(c.doc_id, []).append(i)
        self.doc_chunks = {d: np.asarray(ix) for d, ix in self.doc_chunks.items()}
        self.fiches_about: dict[str, list[str]] = {}
        for doc in store.documents.values():
            for about in doc.about:
                self.fiches_about.setdefault(about, []).append(doc.doc_id)

    def _dense(self, vector: list[float]) -> list[tuple[int, float]]:
        found = self.store.dense.search_vector(vector, CANDIDATES)
        return [(self.store.position[cid], sim) for cid, sim in found if cid in self.store.position]

    def _lexical(self, scores: np.ndarray) -> tuple[list[tuple[int, float]], int]:
        top = np.argpartition(-scores, CANDIDATES)[:CANDIDATES] if len(scores) > CANDIDATES else np.arange(len(scores))
        order = top[np.argsort(-scores[top])]
        return [(int(i), float(scores[i])) for i in order if scores[i] > 0], int((scores > 0).sum())

    def retrieve(self, question: str, k: int | None = None,
                 guide: Callable[[list[float]], list[str]] | None = None) -> Retrieval:
        """`guide(vector)`: chunk ids the who-does-what map rests on for this question, best first."""
        k = k or self.settings.k
        mode = self.settings.retrieval
        timings: dict[str, float] = {}
        t = time.perf_counter()
        vector = self.store.dense.embeddings.embed_query(question) if mode in ("hybrid", "dense") else None
        dense = self._dense(vector) if vector is not None else []
        timings["dense"] = time.perf_counter() - t
        t = time.perf_counter()
        scores = self.store.lexical.scores(question)
        lexical, lexical_hits = self._lexical(scores) if mode in ("hybrid", "lexical") else ([], 0)
        timings["lexical"] = time.perf_counter() - t

        named = [r.doc_id for r in find_references(question, bare_articles_are_gdpr=True)]
        references = list(dict.fromkeys(named + [d for n in named for d in self.replaced_by.get(n, ())]))
        ranked: dict[str, list[int]] = {
            "dense": [i for i, _ in dense],
            "lexical": [i for i, _ in lexical],
        }
        if references:
            ranked["ref"] = self._referenced(references, ranked)
        if guide is not None and vector is not None:
            ranked["map"] = [self.store.position[c] for c in guide(vector) if c in self.store.position]
        weights = {"dense": self.settings.dense_weight, "lexical": self.settings.lexical_weight, "ref": 2.0,
                   "map": MAP_WEIGHT}
        fused: dict[int, float] = {}
        ranks: dict[int, dict[str, int]] = {}
        for name, order in ranked.items():
            for rank, i in enumerate(order):
                fused[i] = fused.get(i, 0.0) + weights[name] / (self.settings.rrf_k + rank + 1)
                ranks.setdefault(i, {})[name] = rank + 1
        order = _named_official_first(sorted(fused, key=lambda i: -fused[i]), named, self.store.chunks)
        order = self._official_before_its_fiche(order, scores)
        if not asks_sanctions(question):
            order = _after(order, k, lambda i: self._off_topic_fiche(i, named))
        order = _after(order, k, self._fiche_with_its_text_present(order[:k]))
        beyond = self._transversal_beyond(order)
        order = _after(order, k, lambda i: i in beyond)
        actors = actors_asked(question)
        top = _cover_actors(order, k, actors, self.store.chunks)
        hits = [Hit(self.store.chunks[i], fused.get(i, 0.0), ranks.get(i, {})) for i in top]
        return Retrieval(hits, references, actors, max((s for _, s in dense), default=0.0), lexical_hits, timings,
                         vector)

    def _referenced(self, references: list[str], ranked: dict[str, list[int]]) -> list[int]:
        """Chunks of the named documents (and of fiches about them), best-ranked first."""
        docs = {d for r in references for d in (r, *self.fiches_about.get(r, ()))}
        members = [int(i) for d in docs for i in self.doc_chunks.get(d, ())]
        seen_rank = {i: r for order in ranked.values() for r, i in reversed(list(enumerate(order)))}
        # Official text before fiches, then by how well the other retrievers ranked them.
        return sorted(members, key=lambda i: (self.store.chunks[i].kind == "fiche", seen_rank.get(i, 10_000), i))

    def _official_before_its_fiche(self, order: list[int], scores: np.ndarray) -> list[int]:
        """A fiche never ranks above the official text it summarises: the best passage of each text a
        (non-transversal) fiche is about (best ranked, else sharing most words) moves up to just before it."""
        chunks, documents = self.store.chunks, self.store.documents
        first: dict[str, int] = {}
        for i in order:
            first.setdefault(chunks[i].doc_id, i)
        out: list[int] = []
        placed: set[int] = set()
        for i in order:
            chunk = chunks[i]
            about = documents[chunk.doc_id].about if chunk.kind == "fiche" else ()
            if not documents[chunk.doc_id].is_transversal:
                for doc_id in about:
                    if doc_id not in first and doc_id in self.doc_chunks:  # no retriever ranked it
                        ix = self.doc_chunks[doc_id]
                        first[doc_id] = int(ix[np.argmax(scores[ix])])
                    j = first.get(doc_id)
                    if j is not None and j not in placed and chunks[j].kind == "official":
                        out.append(j)
                        placed.add(j)
            if i not in placed:
                out.append(i)
                placed.add(i)
        return out

    def _fiche_with_its_text_present(self, top: list[int]):
        """A fiche whose official texts are all among `top`: it adds no text, the official passage is cited."""
        chunks, documents = self.store.chunks, self.store.documents
        present = {chunks[i].doc_id for i in top}

        def redundant(i: int) -> bool:
            official = documents[chunks[i].doc_id].official_about(documents)
            return bool(official) and official <= present
        return redundant

    def _transversal_beyond(self, order: list[int]) -> set[int]:
        """The passages of each transversal fiche after its TRANSVERSAL_MAX best: one fiche does not fill the top k."""
        chunks, documents = self.store.chunks, self.store.documents
        seen: dict[str, int] = {}
        extra = set()
        for i in order:
            doc = documents[chunks[i].doc_id]
            if doc.is_transversal:
                seen[doc.doc_id] = seen.get(doc.doc_id, 0) + 1
                if seen[doc.doc_id] > TRANSVERSAL_MAX:
                    extra.add(i)
        return extra

    def _off_topic_fiche(self, i: int, named: list[str]) -> bool:
        """A decision's fiche that the question neither asks for nor names."""
        doc = self.store.documents[self.store.chunks[i].doc_id]
        if not doc.is_fiche or set(named) & {doc.doc_id, *doc.about}:
            return False
        return doc.decision is not None


def _named_official_first(order: list[int], named: list[str], chunks: list[Chunk]) -> list[int]:
    """The best official passage of each text the question names leads, before any fiche that summarises it."""
    leaders = []
    for doc_id in dict.fromkeys(named):
        best = next((i for i in order if chunks[i].doc_id == doc_id and chunks[i].kind == "official"), None)
        if best is not None:
            leaders.append(best)
    return leaders + [i for i in order if i not in leaders]


def _after(order: list[int], k: int, demoted) -> list[int]:
    """The passages `demoted` selects move after the first k others, in their order."""
    kept = [i for i in order if not demoted(i)]
    return kept[:k] + [i for i in order if demoted(i)] + kept[k:]


def _cover_actors(order: list[int], k: int, actors: tuple[str, ...], chunks: list[Chunk]) -> list[int]:
    """The top k, swapping the weakest hits for the best passage of any asked actor left out."""
    top = order[:k]
    for actor in actors:
        if any(actor in chunks[i].actors for i in top):
            continue
        extra = next((i for i in order[k:] if actor in chunks[i].actors), None)
        if extra is not None:
            top = top[:-1] + [extra] if len(top) >= k else top + [extra]
    return top
