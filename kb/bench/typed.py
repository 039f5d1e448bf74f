"""How the answer holds when a question is typed as a doctor types between two patients: all in lower case, without
accents, or both (« mon hebergeur doit il etre certifie hds ? »), or with typos (a letter dropped, doubled or swapped
in about one long word in four: « certifcation »). The same questions and the same answer metrics as `kb eval`, side
by side for each way of typing: what a doctor reads should not depend on the shift key or a slip of the finger."""

from __future__ import annotations

import dataclasses
import hashlib
import random
import re
from pathlib import Path

from kb.bench.common import QUESTIONS, eval_items, local_settings, shown, table
from kb.config import ROOT
from kb.folding import fold, without_accents

_LONG_WORD = re.compile(r"[^\W\d_]{6,}")
TYPO_SHARE = 0.25  # of the long words, about this share typed wrong


def with_typos(question: str) -> str:
    """The question with a letter dropped, doubled or swapped in about TYPO_SHARE of its long words; the same
    typos for the same question, run after run."""
    draw = random.Random(hashlib.sha256(question.encode()).hexdigest())

    def slip(match: re.Match) -> str:
        word = match[0]
        if draw.random() >= TYPO_SHARE:
            return word
        i = draw.randrange(1, len(word) - 2)  # not the first letter: typed wrong, not another word
        return draw.choice([word[:i] + word[i + 1] + word[i] + word[i + 2:], word[:i] + word[i + 1:],
                            word[:i] + word[i] + word[i:]])
    return _LONG_WORD.sub(slip, question)


TYPINGS = {"telle qu'écrite": lambda q: q, "minuscules": str.lower, "sans accents": without_accents,
           "minuscules sans accents": fold, "fautes de frappe": with_typos}
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
