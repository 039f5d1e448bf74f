"""Runs questions through a system and keeps what the metrics need: `Engine.answer` for the configured
engine (the app's own answer path), any `ask` function for the baselines; then the whole evaluation."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import frontmatter

from kb import api
from kb.corpus import MANIFEST, SIDECAR_SUFFIX, corpus_files
from kb.evaluation.answer_scores import (forbidden_hits, key_points_met, says_not_in_corpus, stated_yes_no,
                                        useful_statements, visible_words, yes_no_correct)
from kb.evaluation.metrics import (EVAL_K, Metrics, QuestionResult, Ranking, answer_points, brief_precision, by_split,
                                   citation_precision, covered_actors, hit_ranking, ndcg_at, recall_at,
                                   reciprocal_rank, strict_recall_at)
from kb.evaluation.questions import EvalQuestion
from kb.evaluation.thresholds import Check
from kb.types import Answer, Document

WARM_UP = "Qui est responsable en cas de fuite de données de santé ?"  # loads the models before timing


class CorpusFiles:
    """The corpus files re-read from disk, by document id: citations are checked against the files
    themselves, not against the index that produced them."""

    def __init__(self, corpus_dir: Path):
        self.texts: dict[str, str] = {}
        for path in corpus_files(corpus_dir):
            if path.name == MANIFEST or path.name.endswith(SIDECAR_SUFFIX):
                continue
            try:
                self._read(path)
            except Exception:  # a file ingestion refused: its citations cannot be valid
                continue

    def _read(self, path: Path) -> None:
        if path.suffix.lower() == ".pdf":
            from kb.pdf import extract_pages

            meta = frontmatter.loads(path.with_name(path.name + ".md").read_bytes().decode("utf-8")).metadata
            text = "\n\n".join(extract_pages(path))
        else:
            text = path.read_bytes().decode("utf-8")
            meta = frontmatter.loads(text).metadata
        if meta.get("id"):
            self.texts[str(meta["id"])] = text

    def holds(self, doc_id: str, quote: str) -> bool:
        return bool(quote) and quote in self.texts.get(doc_id, "")


@dataclass
class Outcome:
    """What a system returned for one question, reduced to what the metrics read."""

    ranking: Ranking
    seconds: float
    answer: Answer | None = None  # None for retrieval-only systems (the naive RAG)
    top_dense: float | None = None  # diagnostics for the refusal threshold (engine runs with diagnose=True)
    references: tuple[str, ...] = ()


def score(item: EvalQuestion, outcome: Outcome, documents: dict[str, Document], files: CorpusFiles) -> QuestionResult:
    ranking = outcome.ranking
    rr = reciprocal_rank(ranking, item.expected_sources)
    result = QuestionResult(
        id=item.id, question=item.question, split=item.split, tags=list(item.tags), must_refuse=item.must_refuse,
        expected_sources=list(item.expected_sources),
        retrieved_documents=[d.doc_id for d in ranking],
        first_hit_rank=round(1 / rr) if rr else None,
        recall_at_1=recall_at(ranking, item.expected_sources, 1), recall_at_5=recall_at(ranking, item.expected_sources, 5),
        recall_at_10=recall_at(ranking, item.expected_sources, 10),
        recall_at_5_strict=strict_recall_at(ranking, item.expected_sources, 5), reciprocal_rank=rr,
        ndcg_at_10=ndcg_at(ranking, item.expected_sources, 10), seconds=outcome.seconds, top_dense=outcome.top_dense,
        references=list(outcome.references), not_in_corpus=item.not_in_corpus,
        reciprocal_rank_strict=reciprocal_rank(ranking, item.expected_sources, strict=True),
    )
    answer = outcome.answer
    if answer is None:
        return result
    _score_answer(result, item, answer)
    result.refused = answer.refused
    result.refusal_reason = answer.refusal_reason
    result.citations = len(answer.citations)
    result.valid_citations = sum(files.holds(c.doc_id, c.quote) for c in answer.citations)
    if answer.citations and item.answerable:
        result.citation_precision = citation_precision((c.doc_id for c in answer.citations), item.expected_sources,
                                                       documents)
        result.brief_precision = brief_precision(answer, item.expected_sources, documents)
    result.expected_actors = list(item.actors)
    result.covered_actors = sorted(covered_actors(answer) & set(item.actors))
    result.answer_points_found, result.answer_points_missing = answer_points(item.answer_points, answer)
    return result


def _score_answer(result: QuestionResult, item: EvalQuestion, answer: Answer) -> None:
    """What the doctor reads: key points, misleading statements, yes/no first, gap said, length."""
    result.key_points = [p.claim for p in item.key_points]
    result.key_points_met = key_points_met(item.key_points, answer)
    result.key_points_met_brief = key_points_met(item.key_points, answer, brief_only=True)
    if item.key_points:
        result.statements_useful, result.statements_shown = useful_statements(item.key_points, answer)
    result.forbidden_hits = [f.why or ", ".join(f.any_of) for f in forbidden_hits(item.forbidden, answer)]
    if item.yes_no:
        result.yes_no_expected, result.yes_no_stated = item.yes_no, stated_yes_no(answer)
        result.yes_no_correct = not answer.refused and yes_no_correct(item.yes_no, answer)
    if item.not_in_corpus:
        result.not_in_corpus_said = says_not_in_corpus(answer)
    if not item.must_refuse:
        result.visible_words = visible_words(answer)


def engine_outcome(engine, question: str, k: int = EVAL_K, diagnose: bool = False) -> Outcome:
    """One question through the app's own answer path, with the app's own number of passages: the answer scored is
    the one a doctor reads. The documents are ranked from a retrieval of `k` passages (recall@10 needs ten), after
    the timed answer; a refused question keeps what the answer retrieved (nothing, when refused before retrieval)."""
    answer = engine.answer(question)
    found = None if answer.refused else api.retrieve(engine, question, k)
    hits = answer.retrieved if found is None else found.hits
    outcome = Outcome(hit_ranking(hits, api.documents(engine), k), answer.timings.get("total", 0.0), answer)
    if diagnose:
        found = found or api.retrieve(engine, question, k)
        outcome.top_dense, outcome.references = found.top_dense, tuple(found.references)
    return outcome


def run(items: Sequence[EvalQuestion], ask: Callable[[str], Outcome], documents: Mapping[str, Document],
        files: CorpusFiles, warm_up: bool = True, progress: Callable[[int, int], None] | None = None
        ) -> list[QuestionResult]:
    if warm_up:
        ask(WARM_UP)
    results = []
    for n, item in enumerate(items, start=1):
        results.append(score(item, ask(item.question), documents, files))
        if progress:
            progress(n, len(items))
    return results


@dataclass
class ConfigRun:
    """One configuration over the chosen questions."""

    name: str
    description: str
    results: list[QuestionResult]
    metrics: dict[str, Metrics]  # by split, plus "all" when the whole file was asked
    full_engine: bool = True  # False: retrieval only (no answer, no refusal)
    error: str = ""  # why the configuration could not run (the other ones still do)


@dataclass
class Evaluation:
    questions_file: Path
    split: str
    runs: list[ConfigRun]  # the configuration under test first, then baselines
    checks: list[Check] = field(default_factory=list)
    thresholds_file: Path | None = None
    index: api.IndexInfo | None = None  # the index evaluated (documents, passages, fingerprint, model)

    @property
    def main(self) -> ConfigRun:
        return self.runs[0]

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def to_dict(self) -> dict:
        return {
            "questions_file": str(self.questions_file), "split": self.split, "k": EVAL_K,
            "thresholds_file": str(self.thresholds_file) if self.thresholds_file else None,
            "passed": not self.failed,
            "checks": [{**asdict(c), "ok": c.ok} for c in self.checks],
            "configs": [
                {"name": r.name, "description": r.description, "full_engine": r.full_engine, "error": r.error,
                 "metrics": {s: m.as_dict() for s, m in r.metrics.items()},
                 "questions": [asdict(q) for q in r.results]}
                for r in self.runs
            ],
        }


def evaluate_engine(engine, items: Sequence[EvalQuestion], name: str, description: str, with_all: bool,
                    diagnose: bool = False, progress: Callable[[int, int], None] | None = None) -> ConfigRun:
    files = CorpusFiles(engine.settings.corpus_dir)
    results = run(items, lambda q: engine_outcome(engine, q, EVAL_K, diagnose), api.documents(engine), files,
                  progress=progress)
    return ConfigRun(name, description, results, by_split(results, with_all))
