"""What every benchmark shares: the evaluation questions, the retrieval modes, percentiles and the printed table."""

from __future__ import annotations

from pathlib import Path

import yaml

from kb.config import ROOT

QUESTIONS = ROOT / "eval" / "questions.yaml"
SHARED_CACHE = ROOT / ".kb" / "cache"
MODES = ("lexical", "dense", "hybrid")


def load_questions(path: Path = QUESTIONS, limit: int | None = None, answered_only: bool = False) -> list[str]:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    questions = [str(item["question"]) for item in items
                 if item.get("question") and not (answered_only and item.get("must_refuse"))]
    return questions[:limit] if limit else questions


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile; NaN when nothing was measured."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def table(header: list[str], rows: list[list[str]]) -> str:
    """A plain-text table, first column left-aligned, the others right-aligned."""
    if not rows:
        return "(aucune mesure)"
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    line = lambda cells: "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def local_settings(data_dir: Path):
    """Settings of a benchmark over a local index: the shared embedding cache, no Chroma server, no LLM."""
    from kb.config import Settings

    return Settings(data_dir=data_dir, cache=SHARED_CACHE, chroma_url=None, llm="")


def eval_items(engine, questions: Path, split: str, limit: int | None) -> list:
    """The evaluation questions of a split (the first `limit`), read against the engine's corpus as `kb eval` does."""
    from kb import api
    from kb.evaluation.questions import known_document_ids, load_questions, select

    known = known_document_ids(api.documents(engine), engine.settings.corpus_dir)
    return select(load_questions(questions, known, api.chunk_ids(engine)), split)[:limit]


def shown(value) -> str:
    """A metric as printed: a count as is, a share to three decimals, « — » when not measured."""
    return "—" if value is None else str(value) if isinstance(value, int) else f"{value:.3f}"
