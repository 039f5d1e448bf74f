"""Hybrid retrieval: dense (Chroma) and lexical (bm25s) fused by reciprocal rank; explicit references
pull their document up; every actor the question names gets passages that bind it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LcDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from kb.config import Settings
from kb.index.store import Store
from kb.legalrefs import actors_asked, find_references
from kb.types import Chunk, Hit

CANDIDATES = 40  # per retriever, before fusion


@dataclass
class Retrieval:
    """Fused hits plus the evidence the refusal decision reads."""

    hits: list[Hit]
    references: list[str]  # document ids the question names
    actors: tuple[str, ...]  # actors the question names
    top_dense: float = 0.0  # best cosine similarity
    lexical_hits: int = 0  # chunks sharing at least one query term
    timings: dict[str, float] = field(default_factory=dict)


class HybridRetriever:
    def __init__(self, store: Store, settings: Settings, replaced_by: dict[str, tuple[str, ...]] | None = None):
        """`replaced_by`: a repealed text's id → the texts that now hold its rules (named too when it is)."""
        self.store = store
        self.settings = settings
        self.replaced_by = replaced_by or {}

    def _dense(self, question: str) -> list[tuple[int, float]]:
        found = self.store.dense.search(question, CANDIDATES)
        return [(self.store.position[cid], sim) for cid, sim in found if cid in self.store.position]

    def _lexical(self, question: str) -> tuple[list[tuple[int, float]], int]:
        scores = self.store.lexical.scores(question)
        order = np.argsort(-scores)[:CANDIDATES]
        return [(int(i), float(scores[i])) for i in order if scores[i] > 0], int((scores > 0).sum())

    def retrieve(self, question: str, k: int | None = None) -> Retrieval:
        k = k or self.settings.k
        mode = self.settings.retrieval
        timings: dict[str, float] = {}
        t = time.perf_counter()
        dense = self._dense(question) if mode in ("hybrid", "dense") else []
        timings["dense"] = time.perf_counter() - t
        t = time.perf_counter()
        lexical, lexical_hits = self._lexical(question) if mode in ("hybrid", "lexical") else ([], 0)
        timings["lexical"] = time.perf_counter() - t

        named = [r.doc_id for r in find_references(question, bare_articles_are_gdpr=True)]
        references = list(dict.fromkeys(named + [d for n in named for d in self.replaced_by.get(n, ())]))
        ranked: dict[str, list[int]] = {
            "dense": [i for i, _ in dense],
            "lexical": [i for i, _ in lexical],
        }
        if references:
            ranked["ref"] = self._referenced(references, ranked)
        weights = {"dense": self.settings.dense_weight, "lexical": self.settings.lexical_weight, "ref": 2.0}
        fused: dict[int, float] = {}
        ranks: dict[int, dict[str, int]] = {}
        for name, order in ranked.items():
            for rank, i in enumerate(order):
                fused[i] = fused.get(i, 0.0) + weights[name] / (self.settings.rrf_k + rank + 1)
                ranks.setdefault(i, {})[name] = rank + 1
        order = _named_official_first(sorted(fused, key=lambda i: -fused[i]), named, self.store.chunks)
        actors = actors_asked(question)
        top = _cover_actors(order, k, actors, self.store.chunks)
        hits = [Hit(self.store.chunks[i], fused[i], ranks[i]) for i in top]
        return Retrieval(hits, references, actors, max((s for _, s in dense), default=0.0), lexical_hits, timings)

    def _referenced(self, references: list[str], ranked: dict[str, list[int]]) -> list[int]:
        """Chunks of the named documents (and of fiches about them), best-ranked first."""
        wanted = set(references)
        docs = self.store.documents
        members = [i for i, c in enumerate(self.store.chunks)
                   if c.doc_id in wanted or wanted & set(docs[c.doc_id].about)]
        seen_rank = {i: r for order in ranked.values() for r, i in reversed(list(enumerate(order)))}
        # Official text before fiches, then by how well the other retrievers ranked them.
        return sorted(members, key=lambda i: (self.store.chunks[i].kind == "fiche", seen_rank.get(i, 10_000), i))


def _named_official_first(order: list[int], named: list[str], chunks: list[Chunk]) -> list[int]:
    """The best official passage of each text the question names leads, before any fiche that summarises it."""
    leaders = []
    for doc_id in dict.fromkeys(named):
        best = next((i for i in order if chunks[i].doc_id == doc_id and chunks[i].kind == "official"), None)
        if best is not None:
            leaders.append(best)
    return leaders + [i for i in order if i not in leaders]


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


class KbRetriever(BaseRetriever):
    """The hybrid retriever as a LangChain retriever, to plug into one's own chains."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    retriever: HybridRetriever
    k: int = 8

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LcDocument]:
        return [
            LcDocument(
                page_content=h.chunk.text,
                id=h.chunk.chunk_id,
                metadata={"chunk_id": h.chunk.chunk_id, "doc_id": h.chunk.doc_id, "locator": h.chunk.locator,
                          "url": h.chunk.url, "version": h.chunk.version, "status": h.chunk.status, "score": h.score},
            )
            for h in self.retriever.retrieve(query, self.k).hits
        ]
