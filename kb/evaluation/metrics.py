"""Scores, pure functions of what a system returned: ranking metrics (recall@k, MRR, nDCG), citation,
actor, refusal and answer-point measures, and their average over a set of questions.

A retrieved chunk counts for its document and, for a fiche, for every id in its `about`: the fiches
stand in for official texts the corpus cannot ship."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from kb.evaluation.questions import SPLITS
from kb.folding import fold
from kb.statements import source_ids
from kb.types import Answer, Document, Hit

EVAL_K = 10  # passages retrieved per question: recall@10 needs ten


@dataclass(frozen=True)
class RankedDoc:
    doc_id: str
    counts_for: frozenset[str]  # its own id and, for a fiche, the ids in its `about`
    strictly_for: frozenset[str] = frozenset()  # the same, except for transversal fiches: their own id only


Ranking = list[RankedDoc]  # distinct retrieved documents, rank order


def document_ranking(doc_ids: Iterable[str], documents: dict[str, Document], k: int = EVAL_K) -> Ranking:
    """The first k distinct documents of a ranked list of doc ids."""
    ranking: Ranking = []
    for doc_id in dict.fromkeys(doc_ids):
        about = documents[doc_id].about if doc_id in documents else ()
        ranking.append(RankedDoc(doc_id, frozenset({doc_id, *about}), strictly_for(doc_id, documents)))
        if len(ranking) >= k:
            break
    return ranking


def strictly_for(doc_id: str, documents: dict[str, Document]) -> frozenset[str]:
    """What a document strictly stands for: itself and, for a fiche that is not transversal, the texts it
    summarises that the corpus does not hold officially (a fiche never stands in for an official text that is
    there to be found)."""
    doc = documents.get(doc_id)
    if doc is None or doc.is_transversal:
        return frozenset({doc_id})
    return frozenset({doc_id, *(set(doc.about) - doc.official_about(documents))})


def hit_ranking(hits: Sequence[Hit], documents: dict[str, Document], k: int = EVAL_K) -> Ranking:
    return document_ranking((h.chunk.doc_id for h in hits), documents, k)


def recall_at(ranking: Ranking, expected: Iterable[str], k: int) -> float:
    """1.0 when any expected document is among the first k distinct documents (the file's definition)."""
    wanted = set(expected)
    return 1.0 if any(d.counts_for & wanted for d in ranking[:k]) else 0.0


def strict_recall_at(ranking: Ranking, expected: Iterable[str], k: int) -> float:
    """recall@k on the documents themselves (`strictly_for`): a transversal fiche counts only for itself, a
    fiche for an official text only when that text is not in the corpus."""
    wanted = set(expected)
    return 1.0 if any(d.strictly_for & wanted for d in ranking[:k]) else 0.0


def reciprocal_rank(ranking: Ranking, expected: Iterable[str], strict: bool = False) -> float:
    wanted = set(expected)
    return next((1.0 / r for r, d in enumerate(ranking, start=1)
                 if (d.strictly_for if strict else d.counts_for) & wanted), 0.0)


def ndcg_at(ranking: Ranking, expected: Iterable[str], k: int = EVAL_K) -> float:
    """Binary nDCG: a rank gains 1 when it covers an expected id not covered above it (a fiche about
    two expected texts counts once), against the ideal of one expected document per rank."""
    wanted = set(expected)
    if not wanted:
        return 0.0
    covered: set[str] = set()
    dcg = 0.0
    for r, d in enumerate(ranking[:k], start=1):
        new = (d.counts_for & wanted) - covered
        if new:
            dcg += 1.0 / math.log2(r + 1)
            covered |= new
    ideal = sum(1.0 / math.log2(r + 1) for r in range(1, min(len(wanted), k) + 1))
    return dcg / ideal


def normalize(text: str) -> str:
    """Case, accents, apostrophes and spacing folded, for answer-point matching."""
    return re.sub(r"\s+", " ", fold(text).replace("\u2019", "'").replace("\u02bc", "'")).strip()


def answer_text(answer: Answer) -> str:
    """What a reader sees: the brief, the table, the quotes (and the checked LLM text, if any)."""
    parts = [s.text for s in answer.brief]
    parts += [s.text for row in answer.actors for s in row.obligations + row.responsibility + row.sanctions]
    parts += [c.quote for c in answer.citations]
    parts.append(answer.llm_text)
    return "\n".join(p for p in parts if p)


def covered_actors(answer: Answer) -> set[str]:
    """Actors the answer tells what they must do: a row holding a statement, or a statement of the réponse about
    them (a row does not repeat what the réponse said)."""
    return ({row.actor for row in answer.actors if row.obligations or row.responsibility or row.sanctions}
            | {s.actor for s in answer.conclusion if s.actor})


def citation_precision(cited: Iterable[str], expected: Iterable[str], documents: dict[str, Document]) -> float:
    """Share of the cited documents that stand for an expected source (a fiche for what it is about)."""
    cited, wanted = set(cited), set(expected)
    relevant = [d for d in cited if ({d} | set(documents[d].about if d in documents else ())) & wanted]
    return len(relevant) / len(cited)


def brief_precision(answer: Answer, expected: Iterable[str], documents: dict[str, Document]) -> float | None:
    """Share of the « En bref » statements that stand for an expected source: through their document (a fiche
    for the few texts it is about) or through the texts named in their source bracket."""
    if not answer.brief:
        return None
    wanted, cited = set(expected), {c.n: c for c in answer.citations}

    def stands(n: int) -> bool:
        c = cited[n]
        named = source_ids(documents[c.doc_id].text, c.end) if c.doc_id in documents else set()
        return bool((strictly_for(c.doc_id, documents) | named) & wanted)

    return sum(stands(s.n) for s in answer.brief) / len(answer.brief)


def answer_points(points: Iterable[str], answer: Answer) -> tuple[list[str], list[str]]:
    """The expected points found in what the reader sees, and those missing (folded text, substring match)."""
    text = normalize(answer_text(answer))
    found: list[str] = []
    missing: list[str] = []
    for point in points:
        (found if normalize(point) in text else missing).append(point)
    return found, missing


@dataclass
class QuestionResult:
    id: str
    question: str
    split: str
    tags: list[str]
    must_refuse: bool
    expected_sources: list[str]
    retrieved_documents: list[str]  # distinct documents, rank order (their own ids)
    first_hit_rank: int | None
    recall_at_1: float
    recall_at_5: float
    recall_at_10: float
    recall_at_5_strict: float
    reciprocal_rank: float
    ndcg_at_10: float
    seconds: float
    refused: bool | None = None
    refusal_reason: str = ""
    citations: int = 0
    valid_citations: int = 0
    citation_precision: float | None = None
    brief_precision: float | None = None
    expected_actors: list[str] = field(default_factory=list)
    covered_actors: list[str] = field(default_factory=list)
    answer_points_found: list[str] = field(default_factory=list)
    answer_points_missing: list[str] = field(default_factory=list)
    top_dense: float | None = None
    references: list[str] = field(default_factory=list)
    not_in_corpus: bool = False
    reciprocal_rank_strict: float = 0.0
    key_points: list[str] = field(default_factory=list)  # claims, in file order
    key_points_met: list[bool] = field(default_factory=list)  # in the réponse/brief or the actor's row
    key_points_met_brief: list[bool] = field(default_factory=list)  # in the réponse/brief alone
    forbidden_hits: list[str] = field(default_factory=list)  # why each misleading statement present misleads
    statements_useful: int = 0  # statements shown (réponse and rows) that state a key point
    statements_shown: int = 0
    yes_no_expected: str = ""
    yes_no_stated: str = ""
    yes_no_correct: bool | None = None
    not_in_corpus_said: bool | None = None
    visible_words: int | None = None


@dataclass
class Metrics:
    """One configuration on one set of questions. None: not measured (no such items, or not an answer)."""

    questions: int = 0
    answerable: int = 0
    recall_at_1: float | None = None
    recall_at_5: float | None = None
    recall_at_10: float | None = None
    recall_at_5_strict: float | None = None
    mrr: float | None = None
    mrr_strict: float | None = None
    ndcg_at_10: float | None = None
    citation_validity: float | None = None
    citation_precision: float | None = None
    brief_precision: float | None = None
    actor_coverage: float | None = None
    refusal_precision: float | None = None
    refusal_recall: float | None = None
    refusal_accuracy: float | None = None
    answer_point_coverage: float | None = None
    key_point_recall: float | None = None
    key_point_recall_brief: float | None = None
    statement_precision: float | None = None
    forbidden_hits: int | None = None
    yes_no_accuracy: float | None = None
    not_in_corpus_accuracy: float | None = None
    visible_words_p50: float | None = None
    visible_words_p90: float | None = None
    latency_p50: float | None = None
    latency_p95: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.name not in ("questions", "answerable")]


METRIC_LABELS = {
    "recall_at_1": "recall@1", "recall_at_5": "recall@5", "recall_at_10": "recall@10",
    "recall_at_5_strict": "recall@5 strict", "mrr": "MRR", "mrr_strict": "MRR strict",
    "ndcg_at_10": "nDCG@10", "citation_validity": "citations valides", "citation_precision": "précision des citations",
    "brief_precision": "« En bref » sur le sujet",
    "actor_coverage": "acteurs couverts", "refusal_precision": "refus : précision", "refusal_recall": "refus : rappel",
    "refusal_accuracy": "refus : exactitude", "answer_point_coverage": "points de réponse",
    "key_point_recall": "points clés (réponse + tableau)", "key_point_recall_brief": "points clés (réponse seule)",
    "statement_precision": "énoncés utiles (réponse + tableau)",
    "forbidden_hits": "énoncés trompeurs (nombre)", "yes_no_accuracy": "oui/non en tête",
    "not_in_corpus_accuracy": "hors corpus signalé", "visible_words_p50": "mots visibles p50",
    "visible_words_p90": "mots visibles p90",
    "latency_p50": "latence p50 (s)", "latency_p95": "latence p95 (s)",
}


def fmt(value: float | None, metric: str = "") -> str:
    """A metric as the tables show it: seconds to two decimals, scores to three, "—" when not measured."""
    if value is None:
        return "—"
    if metric.startswith("visible_words") or metric == "forbidden_hits":
        return f"{value:.0f}"
    return f"{value:.2f}" if metric.startswith("latency") else f"{value:.3f}"


def aggregate(results: Sequence[QuestionResult]) -> Metrics:
    m = Metrics(questions=len(results))
    if not results:
        return m
    retrieval = [r for r in results if not r.must_refuse and not r.not_in_corpus]
    m.answerable = len(retrieval)
    if retrieval:
        m.recall_at_1 = _mean(r.recall_at_1 for r in retrieval)
        m.recall_at_5 = _mean(r.recall_at_5 for r in retrieval)
        m.recall_at_10 = _mean(r.recall_at_10 for r in retrieval)
        m.recall_at_5_strict = _mean(r.recall_at_5_strict for r in retrieval)
        m.mrr = _mean(r.reciprocal_rank for r in retrieval)
        m.mrr_strict = _mean(r.reciprocal_rank_strict for r in retrieval)
        m.ndcg_at_10 = _mean(r.ndcg_at_10 for r in retrieval)
    seconds = [r.seconds for r in results]
    m.latency_p50 = float(np.percentile(seconds, 50))
    m.latency_p95 = float(np.percentile(seconds, 95))
    everything = [r for r in results if r.refused is not None]
    if not everything:
        return m
    _answer_scores(m, everything)
    answered = [r for r in everything if not r.not_in_corpus]  # neither to refuse nor to answer from the corpus
    if not answered:
        return m
    citations = sum(r.citations for r in answered)
    m.citation_validity = sum(r.valid_citations for r in answered) / citations if citations else None
    m.citation_precision = _mean(r.citation_precision for r in answered if r.citation_precision is not None)
    m.brief_precision = _mean(r.brief_precision for r in answered if r.brief_precision is not None)
    with_actors = [r for r in answered if r.expected_actors]
    m.actor_coverage = _mean(len(r.covered_actors) / len(r.expected_actors) for r in with_actors)
    tp = sum(r.refused and r.must_refuse for r in answered)
    fp = sum(r.refused and not r.must_refuse for r in answered)
    fn = sum(not r.refused and r.must_refuse for r in answered)
    m.refusal_precision = tp / (tp + fp) if tp + fp else None
    m.refusal_recall = tp / (tp + fn) if tp + fn else None
    m.refusal_accuracy = sum(r.refused == r.must_refuse for r in answered) / len(answered)
    points = sum(len(r.answer_points_found) + len(r.answer_points_missing) for r in answered)
    m.answer_point_coverage = sum(len(r.answer_points_found) for r in answered) / points if points else None
    return m


def _answer_scores(m: Metrics, results: Sequence[QuestionResult]) -> None:
    """Key points (pooled over questions), forbidden hits, yes/no, not-in-corpus, visible words."""
    met = [x for r in results if not r.refused for x in r.key_points_met]
    refused_points = sum(len(r.key_points) for r in results if r.refused)  # a wrongful refusal states nothing
    total = len(met) + refused_points
    if total:
        m.key_point_recall = sum(met) / total
        m.key_point_recall_brief = sum(x for r in results if not r.refused for x in r.key_points_met_brief) / total
    shown = sum(r.statements_shown for r in results if r.key_points and not r.refused)
    if shown:
        m.statement_precision = sum(r.statements_useful for r in results if r.key_points and not r.refused) / shown
    m.forbidden_hits = sum(len(r.forbidden_hits) for r in results)
    m.yes_no_accuracy = _mean(float(r.yes_no_correct) for r in results if r.yes_no_correct is not None)
    m.not_in_corpus_accuracy = _mean(float(r.not_in_corpus_said) for r in results if r.not_in_corpus_said is not None)
    words = [r.visible_words for r in results if r.visible_words is not None and not r.refused]
    if words:
        m.visible_words_p50 = float(np.percentile(words, 50))
        m.visible_words_p90 = float(np.percentile(words, 90))


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def by_split(results: Sequence[QuestionResult], with_all: bool = True) -> dict[str, Metrics]:
    """Metrics per split present, plus `all` (the whole set) when asked."""
    out = {s: aggregate([r for r in results if r.split == s]) for s in SPLITS if any(r.split == s for r in results)}
    if with_all:
        out["all"] = aggregate(results)
    return out
