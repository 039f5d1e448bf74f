"""The measure of the réponse's yes/no verdict on questions nobody tuned the map on (`eval/verdicts.yaml`: written
blind from the map's entries, each with the verdict its rule gives and the entry that settles it). A wrong « Oui »
misleads more than none, so wrong verdicts and missing ones are counted apart."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.bench.common import local_settings, table
from kb.config import ROOT
from kb.evaluation.answer_scores import stated_yes_no

VERDICTS = ROOT / "eval" / "verdicts.yaml"
LABELS = ("oui", "non", "depend")


@dataclass(frozen=True)
class VerdictItem:
    question: str
    verdict: str  # oui | non | depend
    entry: str  # the map entry whose rule settles it


@dataclass
class VerdictScore:
    items: int = 0
    correct: int = 0
    wrong: int = 0  # a verdict stated, not the one expected
    unstated: int = 0
    refused: int = 0
    entry_first: int = 0  # the réponse opens with the entry that settles the question
    confusion: Counter = field(default_factory=Counter)  # (expected, stated) → count
    misses: list[tuple[VerdictItem, str]] = field(default_factory=list)


def load_items(path: Path = VERDICTS, limit: int | None = None) -> list[VerdictItem]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    items = [VerdictItem(str(r["question"]), str(r["verdict"]), str(r["entry"])) for r in raw]
    return items[:limit] if limit else items


def score(engine, items: list[VerdictItem]) -> VerdictScore:
    """Each question asked of the engine; its stated verdict compared with the expected one."""
    out = VerdictScore(items=len(items))
    for item in items:
        answer = engine.answer(item.question)
        stated = "refusée" if answer.refused else stated_yes_no(answer) or "aucun"
        out.confusion[(item.verdict, stated)] += 1
        if stated == item.verdict:
            out.correct += 1
        else:
            out.misses.append((item, stated))
            out.refused += answer.refused
            out.unstated += stated == "aucun"
            out.wrong += stated in LABELS
        out.entry_first += bool(answer.conclusion) and answer.conclusion[0].map_id == item.entry
    return out


def report(result: VerdictScore, show_misses: bool = False) -> str:
    n = max(1, result.items)
    lines = [f"verdicts justes : {result.correct}/{result.items} ({result.correct / n:.1%})",
             f"verdicts faux : {result.wrong}, sans verdict : {result.unstated}, refusées : {result.refused}",
             f"entrée attendue en tête de la réponse : {result.entry_first}/{result.items}", ""]
    stated = [*LABELS, "aucun", "refusée"]
    rows = [[expected, *(str(result.confusion[(expected, s)]) for s in stated)] for expected in LABELS
            if any(result.confusion[(expected, s)] for s in stated)]
    lines.append(table(["attendu \\ dit", *stated], rows))
    if show_misses:
        lines += ["", *(f"- [{item.verdict} → {said}] {item.question} ({item.entry})" for item, said in result.misses)]
    return "\n".join(lines)


def bench_verdicts(args) -> None:
    from kb.answer import Engine

    engine = Engine(local_settings(args.data_dir))
    print(report(score(engine, load_items(args.questions, args.limit)), args.show_misses))


def add_parser(sub) -> None:
    """The `verdicts` subcommand of `python -m kb.bench`."""
    p = sub.add_parser("verdicts", help="verdict oui/non de la réponse, sur des questions écrites à l'aveugle")
    p.add_argument("--questions", type=Path, default=VERDICTS)
    p.add_argument("--limit", type=int, default=None, help="ne prendre que les N premières questions")
    p.add_argument("--data-dir", type=Path, default=ROOT / ".kb", help="l'index à interroger (kb ingest)")
    p.add_argument("--show-misses", action="store_true", help="afficher chaque question manquée")
    p.set_defaults(run=bench_verdicts)
