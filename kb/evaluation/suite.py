"""`evaluate`: the configured engine on a questions file, then the baselines if asked, checked against the
thresholds. Above runner.py and baselines.py, which both only score: neither imports the other's caller."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kb import api
from kb.evaluation.baselines import run_baselines
from kb.evaluation.questions import known_document_ids, load_questions, select
from kb.evaluation.runner import Evaluation, evaluate_engine
from kb.evaluation.thresholds import check_thresholds, load_thresholds


def evaluate(settings, questions_file: Path, split: str = "all", thresholds_file: Path | None = None,
             baselines: bool = False, diagnose: bool = False,
             progress: Callable[[str, int, int], None] | None = None) -> Evaluation:
    """The configured engine on a questions file (then the baselines, if asked), checked against thresholds."""
    from kb.answer import Engine

    thresholds = load_thresholds(thresholds_file) if thresholds_file else {}
    engine = Engine(settings)
    items = select(load_questions(questions_file, known_document_ids(api.documents(engine), settings.corpus_dir),
                                  api.chunk_ids(engine)), split)
    name = f"{settings.retrieval}-{settings.embedder}"
    report = (lambda n, total: progress(name, n, total)) if progress else None
    runs = [evaluate_engine(engine, items, name, "configuration évaluée (réglages courants)", split == "all",
                            diagnose, report)]
    if baselines:
        runs += run_baselines(settings, items, engine, split == "all", progress)
    return Evaluation(Path(questions_file), split, runs, check_thresholds(runs[0].metrics, thresholds),
                      thresholds_file, api.index_info(engine))
