"""How the answer holds when a question is typed as a doctor types between two patients: all in lower case, without
accents, or both (« mon hebergeur doit il etre certifie hds ? »). The same questions and the same answer metrics as
`kb eval`, side by side for each way of typing: what a doctor reads should not depend on the shift key."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from kb.bench.common import QUESTIONS, eval_items, local_settings, shown, table
from kb.config import ROOT
from kb.folding import fold, without_accents

TYPINGS = {"telle qu'écrite": lambda q: q, "minuscules": str.lower, "sans accents": without_accents,
           "minuscules sans accents": fold}
MEASURES = (("points clés", "key_point_recall"), ("réponse seule", "key_point_recall_brief"),
            ("oui/non", "yes_no_accuracy"), ("refus justes", "refusal_accuracy"),
            ("énoncés trompeurs", "forbidden_hits"))


def bench_typed(args) -> None:
    from kb.answer import Engine
    from kb.evaluation.runner import evaluate_engine

    engine = Engine(local_settings(args.data_dir))
    items = eval_items(engine, args.questions, args.split, args.limit)
    rows = []
    for name, typed in TYPINGS.items():
        retyped = [dataclasses.replace(item, question=typed(item.question)) for item in items]
        metrics = evaluate_engine(engine, retyped, name, name, with_all=True).metrics["all"]
        rows.append([name, *(shown(getattr(metrics, field)) for _, field in MEASURES)])
    print(f"{len(items)} questions ({args.split}) de {args.questions}\n")
    print(table(["saisie", *(label for label, _ in MEASURES)], rows))


def add_parser(sub) -> None:
    """The `typing` subcommand of `python -m kb.bench`."""
    p = sub.add_parser("typing", help="la réponse quand la question est tapée en minuscules ou sans accents")
    p.add_argument("--questions", type=Path, default=QUESTIONS)
    p.add_argument("--split", default="dev", help="dev, test ou all")
    p.add_argument("--limit", type=int, default=None, help="ne prendre que les N premières questions")
    p.add_argument("--data-dir", type=Path, default=ROOT / ".kb", help="l'index à interroger (kb ingest)")
    p.set_defaults(run=bench_typed)
