"""Which entries of the who-does-what map answer the question: the topic asked, the words shared with the
entry, the passages retrieval found, the texts and actors named. Weights are named here, tuned on dev."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kb.compose.query import WHO, Query
from kb.responsibilities import MapEntry, ResponsibilityMap
from kb.text import tokenize
from kb.types import Hit

TOPIC_WEIGHT = 0.6
WORDS_WEIGHT = 1.0
RETRIEVED_WEIGHT = 0.8  # a basis passage among the hits, by rank
RETRIEVED_DOC_WEIGHT = 0.25  # another passage of a basis document among the hits
NAMED_WEIGHT = 0.6  # a basis text the question names
ACTOR_WEIGHT = 0.25  # the entry's actor is one the question names
SANCTION_WEIGHT = 0.5  # a sanctions entry, when the question asks what one risks
DECISION_MALUS = 0.6  # an entry proved only by a decision's fiche, unless sanctions or that decision are asked
MIN_SCORE = 0.75  # under this, an entry does not answer the question
_DECISION_FICHES = ("fiche-cnil-SAN-", "fiche-ce-")
SANCTION_TOPICS = ("sanctions-cnil", "sanctions-penales")


@dataclass(frozen=True)
class ScoredEntry:
    entry: MapEntry
    score: float


@lru_cache(maxsize=2048)
def entry_tokens(entry: MapEntry) -> frozenset[str]:
    text = " ".join([entry.statement, entry.conditions, entry.exceptions, entry.role,
                     *(p.text for p in entry.answers)])
    return frozenset(tokenize(text))


def score_entries(query: Query, responsibilities: ResponsibilityMap, hits: list[Hit]) -> list[ScoredEntry]:
    """Every entry with its score, best first."""
    chunk_rank = {}
    doc_rank = {}
    for rank, hit in enumerate(hits):
        chunk_rank.setdefault(hit.chunk.chunk_id, rank)
        doc_rank.setdefault(hit.chunk.doc_id, rank)
    top_topic = max(query.topics.values(), default=0.0) or 1.0
    scored = []
    for entry in responsibilities.entries:
        words = len(query.tokens & entry_tokens(entry)) / (1 + len(query.tokens))
        ranks = [chunk_rank[b.chunk_id] for b in entry.basis if b.chunk_id in chunk_rank]
        docs = {b.chunk_id.split("#")[0] for b in entry.basis}
        doc_ranks = [doc_rank[d] for d in docs if d in doc_rank]
        score = (TOPIC_WEIGHT * query.topics.get(entry.topic, 0.0) / top_topic
                 + WORDS_WEIGHT * words
                 + (RETRIEVED_WEIGHT / (1 + min(ranks)) if ranks else 0.0)
                 + (RETRIEVED_DOC_WEIGHT / (1 + min(doc_ranks)) if doc_ranks else 0.0)
                 + NAMED_WEIGHT * bool(docs & set(query.references))
                 + ACTOR_WEIGHT * (entry.actor in query.actors and query.form != WHO)
                 + SANCTION_WEIGHT * (query.asks_sanctions and entry.topic in SANCTION_TOPICS)
                 - DECISION_MALUS * (_from_decision(entry) and not query.asks_sanctions
                                     and not any(r.startswith(("cnil-SAN", "ce-")) for r in query.references)))
        scored.append(ScoredEntry(entry, score))
    return sorted(scored, key=lambda s: -s.score)


def relevant(scored: list[ScoredEntry]) -> list[ScoredEntry]:
    return [s for s in scored if s.score >= MIN_SCORE]


def _from_decision(entry: MapEntry) -> bool:
    return all(b.chunk_id.startswith(_DECISION_FICHES) for b in entry.basis)
