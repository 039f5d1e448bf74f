"""Evaluation: a questions file (eval/questions.yaml format) run through `Engine.answer`, scored at
document level, compared with thresholds. Baselines and the report live in kb/baselines.py.

A retrieved chunk counts for its document and, for a fiche, for every id in its `about`: the fiches
stand in for official texts the corpus cannot ship."""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import frontmatter
import numpy as np
import yaml

from kb.corpus import MANIFEST, SIDECAR_SUFFIX, corpus_files, load_manifest
from kb.errors import KbError
from kb.legalrefs import fold
from kb.types import ACTORS, Answer, Document, Hit

EVAL_K = 10  # passages retrieved per question: recall@10 needs ten
BROAD_ABOUT = 3  # a fiche about more documents than this is transversal (fiche-responsabilite-*)
SPLITS = ("dev", "test")
WARM_UP = "Qui est responsable en cas de fuite de données de santé ?"  # loads the models before timing
_FIELDS = {"id", "question", "expected_sources", "actors", "must_refuse", "answer_points", "split", "tags"}
_REQUIRED = ("id", "question", "expected_sources", "actors", "must_refuse", "split")


class QuestionsError(KbError):
    """The questions file does not follow the format (the message names each faulty item)."""

    exit_code = 2


class ThresholdsError(KbError):
    exit_code = 2


# -- questions -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    expected_sources: tuple[str, ...]
    actors: tuple[str, ...]
    must_refuse: bool
    split: str
    answer_points: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


def load_questions(path: Path, known_ids: Iterable[str] | None = None) -> list[EvalQuestion]:
    """Read and validate a questions file; every problem is reported at once, each naming its item.

    `known_ids` (document ids the corpus knows) also checks expected_sources."""
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionsError(f"Fichier de questions illisible : {path} ({exc}).") from exc
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise QuestionsError(f"{path} : YAML invalide ({exc}).") from exc
    if not isinstance(data, list) or not data:
        raise QuestionsError(f"{path} : une liste YAML de questions est attendue (voir l'en-tête d'eval/questions.yaml).")
    known = set(known_ids) if known_ids is not None else None
    problems: list[str] = []
    items: list[EvalQuestion] = []
    seen_ids: set[str] = set()
    seen_questions: dict[str, str] = {}
    for n, entry in enumerate(data, start=1):
        name = f"élément n° {n}"
        if isinstance(entry, dict) and isinstance(entry.get("id"), str) and entry["id"].strip():
            name = f"élément n° {n} ({entry['id']})"
        errors = _item_errors(entry, known)
        ident, question = (_text(entry, "id"), _text(entry, "question")) if isinstance(entry, dict) else ("", "")
        if ident and ident in seen_ids:
            errors.append(f"identifiant « {ident} » déjà utilisé")
        if question and question in seen_questions:
            errors.append(f"même question que {seen_questions[question]}")
        seen_ids.add(ident)
        seen_questions.setdefault(question, ident or name)
        if errors:
            problems.extend(f"{name} : {e}" for e in errors)
        else:
            items.append(_item(entry))
    if problems:
        shown = problems[:30] + ([f"… et {len(problems) - 30} autre(s)"] if len(problems) > 30 else [])
        raise QuestionsError(f"{path} : {len(problems)} problème(s) :\n  " + "\n  ".join(shown))
    return items


def _text(entry: dict, key: str) -> str:
    value = entry.get(key)
    return value.strip() if isinstance(value, str) else ""


def _item_errors(entry, known: set[str] | None) -> list[str]:
    if not isinstance(entry, dict):
        return ["un objet (id, question, expected_sources, …) est attendu"]
    errors = [f"champ « {k} » manquant" for k in _REQUIRED if k not in entry]
    errors += [f"champ « {k} » inconnu (champs possibles : {', '.join(sorted(_FIELDS))})"
               for k in entry if k not in _FIELDS]
    for key in ("id", "question"):
        if key in entry and not (isinstance(entry[key], str) and entry[key].strip()):
            errors.append(f"« {key} » doit être un texte non vide")
    for key in ("expected_sources", "actors", "answer_points", "tags"):
        value = entry.get(key, [])
        if value is None or not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            errors.append(f"« {key} » doit être une liste de textes (éventuellement vide : [])")
    if "must_refuse" in entry and not isinstance(entry["must_refuse"], bool):
        errors.append(f"« must_refuse » doit valoir true ou false, pas « {entry['must_refuse']} »")
    if "split" in entry and entry["split"] not in SPLITS:
        errors.append(f"split inconnu « {entry['split']} ». Choisir parmi : {', '.join(SPLITS)}")
    if errors:
        return errors
    bad_actors = [a for a in entry["actors"] if a not in ACTORS]
    if bad_actors:
        errors.append(f"acteur(s) inconnu(s) {bad_actors}. Choisir parmi : {', '.join(ACTORS)}")
    if entry["must_refuse"] and (entry["expected_sources"] or entry["actors"]):
        errors.append("une question à refuser (must_refuse: true) doit avoir expected_sources: [] et actors: []")
    if not entry["must_refuse"] and not entry["expected_sources"]:
        errors.append("expected_sources vide alors que must_refuse: false (nommer au moins un document)")
    if known is not None:
        unknown = [s for s in entry["expected_sources"] if s not in known]
        if unknown:
            errors.append(f"document(s) inconnu(s) du corpus dans expected_sources : {', '.join(unknown)}")
    return errors


def _item(entry: dict) -> EvalQuestion:
    return EvalQuestion(
        id=entry["id"].strip(), question=entry["question"].strip(),
        expected_sources=tuple(entry["expected_sources"]), actors=tuple(entry["actors"]),
        must_refuse=entry["must_refuse"], split=entry["split"],
        answer_points=tuple(entry.get("answer_points", [])), tags=tuple(entry.get("tags", [])),
    )


def known_document_ids(documents: dict[str, Document], corpus_dir: Path) -> set[str]:
    """Ids a question may expect: indexed documents, what their fiches are about, and the manifest's ids."""
    ids = set(documents) | {a for d in documents.values() for a in d.about}
    try:
        ids |= set(load_manifest(corpus_dir))
    except KbError:
        pass  # an unreadable manifest is reported by ingestion; the indexed ids still validate
    return ids


# -- metrics on one question -----------------------------------------------------------------------------

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
        ranking.append(RankedDoc(doc_id, frozenset({doc_id, *about}),
                                 frozenset({doc_id, *(about if len(about) <= BROAD_ABOUT else ())})))
        if len(ranking) >= k:
            break
    return ranking


def hit_ranking(hits: Sequence[Hit], documents: dict[str, Document], k: int = EVAL_K) -> Ranking:
    return document_ranking((h.chunk.doc_id for h in hits), documents, k)


def recall_at(ranking: Ranking, expected: Iterable[str], k: int) -> float:
    """1.0 when any expected document is among the first k distinct documents (the file's definition)."""
    wanted = set(expected)
    return 1.0 if any(d.counts_for & wanted for d in ranking[:k]) else 0.0


def strict_recall_at(ranking: Ranking, expected: Iterable[str], k: int) -> float:
    """recall@k where a transversal fiche (about more than BROAD_ABOUT texts) counts only for itself: those
    fiches summarise a dozen texts each and would otherwise hit almost any question."""
    wanted = set(expected)
    return 1.0 if any(d.strictly_for & wanted for d in ranking[:k]) else 0.0


def reciprocal_rank(ranking: Ranking, expected: Iterable[str]) -> float:
    wanted = set(expected)
    return next((1.0 / r for r, d in enumerate(ranking, start=1) if d.counts_for & wanted), 0.0)


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
    """Actors with a row holding at least one statement."""
    return {row.actor for row in answer.actors if row.obligations or row.responsibility or row.sanctions}


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


# -- one run ---------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a system returned for one question, reduced to what the metrics read."""

    ranking: Ranking
    seconds: float
    answer: Answer | None = None  # None for retrieval-only systems (the naive RAG)
    top_dense: float | None = None  # diagnostics for the refusal threshold (engine runs with diagnose=True)
    references: tuple[str, ...] = ()


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
    expected_actors: list[str] = field(default_factory=list)
    covered_actors: list[str] = field(default_factory=list)
    answer_points_found: list[str] = field(default_factory=list)
    answer_points_missing: list[str] = field(default_factory=list)
    top_dense: float | None = None
    references: list[str] = field(default_factory=list)


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
        references=list(outcome.references),
    )
    answer = outcome.answer
    if answer is None:
        return result
    result.refused = answer.refused
    result.refusal_reason = answer.refusal_reason
    result.citations = len(answer.citations)
    result.valid_citations = sum(files.holds(c.doc_id, c.quote) for c in answer.citations)
    if answer.citations and not item.must_refuse:
        cited = {c.doc_id for c in answer.citations}
        wanted = set(item.expected_sources)
        relevant = [d for d in cited if ({d} | set(documents[d].about if d in documents else ())) & wanted]
        result.citation_precision = len(relevant) / len(cited)
    result.expected_actors = list(item.actors)
    result.covered_actors = sorted(covered_actors(answer) & set(item.actors))
    text = normalize(answer_text(answer))
    for point in item.answer_points:
        (result.answer_points_found if normalize(point) in text else result.answer_points_missing).append(point)
    return result


def engine_outcome(engine, question: str, k: int = EVAL_K, diagnose: bool = False) -> Outcome:
    """One question through the app's own answer path."""
    answer = engine.answer(question, k=k)
    outcome = Outcome(hit_ranking(answer.retrieved, engine.store.documents, k), answer.timings.get("total", 0.0), answer)
    if diagnose:  # after the timed answer, so that it does not count in the latency
        found = engine.retriever.retrieve(question, k)
        outcome.top_dense, outcome.references = found.top_dense, tuple(found.references)
    return outcome


def run(items: Sequence[EvalQuestion], ask: Callable[[str], Outcome], documents: dict[str, Document],
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


# -- aggregate metrics -----------------------------------------------------------------------------------


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
    ndcg_at_10: float | None = None
    citation_validity: float | None = None
    citation_precision: float | None = None
    actor_coverage: float | None = None
    refusal_precision: float | None = None
    refusal_recall: float | None = None
    refusal_accuracy: float | None = None
    answer_point_coverage: float | None = None
    latency_p50: float | None = None
    latency_p95: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.name not in ("questions", "answerable")]


METRIC_LABELS = {
    "recall_at_1": "recall@1", "recall_at_5": "recall@5", "recall_at_10": "recall@10",
    "recall_at_5_strict": "recall@5 strict", "mrr": "MRR",
    "ndcg_at_10": "nDCG@10", "citation_validity": "citations valides", "citation_precision": "précision des citations",
    "actor_coverage": "acteurs couverts", "refusal_precision": "refus : précision", "refusal_recall": "refus : rappel",
    "refusal_accuracy": "refus : exactitude", "answer_point_coverage": "points de réponse",
    "latency_p50": "latence p50 (s)", "latency_p95": "latence p95 (s)",
}


def fmt(value: float | None, metric: str = "") -> str:
    if value is None:
        return "—"
    return f"{value:.2f}" if metric.startswith("latency") else f"{value:.3f}"


def aggregate(results: Sequence[QuestionResult]) -> Metrics:
    m = Metrics(questions=len(results))
    if not results:
        return m
    retrieval = [r for r in results if not r.must_refuse]
    m.answerable = len(retrieval)
    if retrieval:
        m.recall_at_1 = _mean(r.recall_at_1 for r in retrieval)
        m.recall_at_5 = _mean(r.recall_at_5 for r in retrieval)
        m.recall_at_10 = _mean(r.recall_at_10 for r in retrieval)
        m.recall_at_5_strict = _mean(r.recall_at_5_strict for r in retrieval)
        m.mrr = _mean(r.reciprocal_rank for r in retrieval)
        m.ndcg_at_10 = _mean(r.ndcg_at_10 for r in retrieval)
    seconds = [r.seconds for r in results]
    m.latency_p50 = float(np.percentile(seconds, 50))
    m.latency_p95 = float(np.percentile(seconds, 95))
    answered = [r for r in results if r.refused is not None]
    if not answered:
        return m
    citations = sum(r.citations for r in answered)
    m.citation_validity = sum(r.valid_citations for r in answered) / citations if citations else None
    m.citation_precision = _mean(r.citation_precision for r in answered if r.citation_precision is not None)
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


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def by_split(results: Sequence[QuestionResult], with_all: bool = True) -> dict[str, Metrics]:
    """Metrics per split present, plus `all` (the whole set) when asked."""
    out = {s: aggregate([r for r in results if r.split == s]) for s in SPLITS if any(r.split == s for r in results)}
    if with_all:
        out["all"] = aggregate(results)
    return out


# -- thresholds ------------------------------------------------------------------------------------------


def load_thresholds(path: Path) -> dict[str, dict[str, tuple[str, float]]]:
    """{split: {metric: ("min"|"max", value)}} from a TOML file: `[test]` holds minimums for the test
    split, `[test.max]` its maximums; `[dev]` and `[all]` (the whole file) likewise."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ThresholdsError(f"Fichier de seuils illisible : {path} ({exc.strerror}).") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ThresholdsError(f"{path} : TOML invalide ({exc}).") from exc
    names = Metrics.names()
    out: dict[str, dict[str, tuple[str, float]]] = {}
    for split, table in data.items():
        if split not in (*SPLITS, "all") or not isinstance(table, dict):
            raise ThresholdsError(f"{path} : section [{split}] inconnue. Choisir parmi : {', '.join(SPLITS)}, all")
        rules = {}
        for key, value in table.items():
            entries = value.items() if key == "max" and isinstance(value, dict) else [(key, value)]
            for metric, bound in entries:
                if metric not in names:
                    raise ThresholdsError(f"{path} : [{split}] métrique inconnue « {metric} ». "
                                          f"Choisir parmi : {', '.join(names)}")
                if not isinstance(bound, int | float) or isinstance(bound, bool):
                    raise ThresholdsError(f"{path} : [{split}] {metric} doit être un nombre")
                rules[metric] = ("max" if key == "max" else "min", float(bound))
        out[split] = rules
    return out


@dataclass(frozen=True)
class Check:
    split: str
    metric: str
    kind: str  # min | max
    bound: float
    value: float | None

    @property
    def ok(self) -> bool:
        if self.value is None:
            return False
        return self.value >= self.bound - 1e-9 if self.kind == "min" else self.value <= self.bound + 1e-9

    def describe(self) -> str:
        op = "≥" if self.kind == "min" else "≤"
        value = "non mesuré" if self.value is None else f"{self.value:.3f}"
        return f"[{self.split}] {self.metric} = {value} (seuil {op} {self.bound:g})"


def check_thresholds(metrics: dict[str, Metrics], thresholds: dict[str, dict[str, tuple[str, float]]]) -> list[Check]:
    """Every threshold that applies to the splits measured; a metric that was not measured fails."""
    checks = []
    for split, m in metrics.items():
        for metric, (kind, bound) in thresholds.get(split, {}).items():
            checks.append(Check(split, metric, kind, bound, getattr(m, metric)))
    return checks


def select(items: Sequence[EvalQuestion], split: str) -> list[EvalQuestion]:
    if split == "all":
        return list(items)
    if split not in SPLITS:
        raise QuestionsError(f"Split inconnu « {split} ». Choisir parmi : {', '.join(SPLITS)}, all")
    chosen = [i for i in items if i.split == split]
    if not chosen:
        raise QuestionsError(f"Aucune question du split « {split} » dans le fichier.")
    return chosen


# -- a whole evaluation ----------------------------------------------------------------------------------


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
    manifest: dict = field(default_factory=dict)  # of the index evaluated (fingerprint, model, chunks, documents)

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
    results = run(items, lambda q: engine_outcome(engine, q, EVAL_K, diagnose), engine.store.documents, files,
                  progress=progress)
    return ConfigRun(name, description, results, by_split(results, with_all))


def evaluate(settings, questions_file: Path, split: str = "all", thresholds_file: Path | None = None,
             baselines: bool = False, diagnose: bool = False,
             progress: Callable[[str, int, int], None] | None = None) -> Evaluation:
    """The configured engine on a questions file (then the baselines, if asked), checked against thresholds."""
    from kb.answer import Engine

    thresholds = load_thresholds(thresholds_file) if thresholds_file else {}
    engine = Engine(settings)
    items = select(load_questions(questions_file, known_document_ids(engine.store.documents, settings.corpus_dir)),
                   split)
    name = f"{settings.retrieval}-{settings.embedder}"
    report = (lambda n, total: progress(name, n, total)) if progress else None
    runs = [evaluate_engine(engine, items, name, "configuration évaluée (réglages courants)", split == "all",
                            diagnose, report)]
    if baselines:
        from kb.baselines import run_baselines

        runs += run_baselines(settings, items, engine, split == "all", progress)
    return Evaluation(Path(questions_file), split, runs, check_thresholds(runs[0].metrics, thresholds),
                      thresholds_file, engine.store.manifest)


def summary(evaluation: Evaluation) -> str:
    """The compact terminal table: the configuration under test by split, then the baselines."""
    main = evaluation.main
    splits = list(main.metrics)
    checks = {(c.split, c.metric): c for c in evaluation.checks}
    width = max(len(v) for v in METRIC_LABELS.values()) + 2
    lines = [f"{main.name} — {', '.join(f'{s} : {m.questions} questions' for s, m in main.metrics.items())}",
             f"{'métrique / metric':<{width}}" + "".join(f"{s:>16}" for s in splits)]
    for metric in Metrics.names():
        cells = []
        for s in splits:
            check = checks.get((s, metric))
            mark = "" if not check else (" ✓" if check.ok else " ✗")
            cells.append(f"{fmt(getattr(main.metrics[s], metric), metric) + mark:>16}")
        lines.append(f"{METRIC_LABELS[metric]:<{width}}" + "".join(cells))
    if len(evaluation.runs) > 1:
        columns = ("recall_at_1", "recall_at_5", "recall_at_10", "recall_at_5_strict", "mrr", "ndcg_at_10",
                   "refusal_accuracy", "latency_p50", "latency_p95")
        heads = ("R@1", "R@5", "R@10", "R@5s", "MRR", "nDCG", "refus", "p50", "p95")
        for s in splits:
            lines += ["", f"baselines — {s}", f"{'configuration':<16}" + "".join(f"{h:>8}" for h in heads)]
            for r in evaluation.runs:
                if r.error:
                    lines.append(f"{r.name:<16}  échec : {r.error}")
                    continue
                lines.append(f"{r.name:<16}" + "".join(f"{fmt(getattr(r.metrics[s], c), c):>8}" for c in columns))
    if evaluation.checks:
        lines.append("")
        lines += [("✗ " if not c.ok else "✓ ") + c.describe() for c in evaluation.checks]
    return "\n".join(lines)
