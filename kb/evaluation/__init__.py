"""`kb eval`: a questions file run through `Engine.answer`, scored at document level, compared with
thresholds, optionally against baselines, rendered as a terminal table and eval/REPORT.md.

Flow: questions → runner (metrics per question, then per split) → thresholds → summary | report;
baselines reuse the runner with other settings or the naive RAG; suite.evaluate runs them in that order."""

from kb.evaluation.metrics import (Metrics, QuestionResult, aggregate, brief_precision, document_ranking, ndcg_at,
                                   normalize, recall_at, reciprocal_rank, strict_recall_at)
from kb.errors import QuestionsError, ThresholdsError
from kb.evaluation.questions import load_questions
from kb.evaluation.report import write_report
from kb.evaluation.runner import CorpusFiles
from kb.evaluation.suite import evaluate
from kb.evaluation.summary import summary
from kb.evaluation.thresholds import check_thresholds, load_thresholds

__all__ = [
    "CorpusFiles", "Metrics", "QuestionResult", "QuestionsError", "ThresholdsError", "aggregate", "brief_precision",
    "check_thresholds", "document_ranking", "evaluate", "load_questions", "load_thresholds", "ndcg_at", "normalize",
    "recall_at", "reciprocal_rank", "strict_recall_at", "summary", "write_report",
]
