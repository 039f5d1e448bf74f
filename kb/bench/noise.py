"""How much the answer moves when the embeddings move a little, as they do from one machine to another: the same
commit measured 0.564 of key points in the réponse on an AMD EPYC and 0.545 on an Intel Xeon with AVX-512 (test
split, 27th and 28th sessions). Gaussian noise of a given size is added to every question's vector and to the
map's, then the evaluation metrics are printed side by side with the answers that changed: how much margin the
CI thresholds need."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from kb.bench.common import QUESTIONS, eval_items, local_settings, shown, table
from kb.config import ROOT

MEASURES = (("points clés", "key_point_recall"), ("réponse seule", "key_point_recall_brief"),
            ("oui/non", "yes_no_accuracy"), ("énoncés utiles", "statement_precision"),
            ("énoncés trompeurs", "forbidden_hits"))


def _noisy(vectors: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Unit vectors moved by gaussian noise of standard deviation `sigma` per coordinate, then normalised."""
    moved = vectors.astype(np.float64) + rng.normal(0.0, sigma, vectors.shape)
    return (moved / np.linalg.norm(moved, axis=-1, keepdims=True)).astype(np.float32)


def _shaken(engine, sigma: float, seed: int):
    """The engine with noise on the map's vectors and on every question's vector (the passages' stay put)."""
    rng = np.random.default_rng(seed)
    vectors = engine.map_vectors
    engine.map_vectors = dataclasses.replace(
        vectors, **{name: _noisy(getattr(vectors, name), sigma, rng)
                    for name in ("statements", "propositions", "questions") if len(getattr(vectors, name))})
    embeddings = engine.store.dense.embeddings
    embed_query = type(embeddings).embed_query
    embeddings.embed_query = lambda text: _noisy(np.asarray([embed_query(embeddings, text)]), sigma, rng)[0].tolist()
    return engine


def _answers(run) -> dict[str, tuple]:
    """What a reader sees of each answer, as far as the metrics go: key points met, verdict, misleading hits."""
    return {r.id: (tuple(r.key_points_met), tuple(r.key_points_met_brief), r.yes_no_stated, len(r.forbidden_hits))
            for r in run.results}


def bench_noise(args) -> None:
    from kb.answer import Engine
    from kb.evaluation.runner import evaluate_engine

    settings = local_settings(args.data_dir)
    engine = Engine(settings)
    items = eval_items(engine, args.questions, args.split, args.limit)
    rows, reference = [], None
    for sigma in [0.0, *args.sigma]:
        shaken = _shaken(Engine(settings), sigma, args.seed) if sigma else engine
        run = evaluate_engine(shaken, items, str(sigma), str(sigma), with_all=True)
        seen = _answers(run)
        reference = reference or seen
        changed = sum(seen[i] != reference[i] for i in seen)
        metrics = run.metrics["all"]
        rows.append([f"{sigma:g}", str(changed), *(shown(getattr(metrics, field)) for _, field in MEASURES)])
    print(f"{len(items)} questions ({args.split}) de {args.questions}, graine {args.seed}\n")
    print(table(["bruit σ", "réponses changées", *(label for label, _ in MEASURES)], rows))


def add_parser(sub) -> None:
    """The `noise` subcommand of `python -m kb.bench`."""
    p = sub.add_parser("noise", help="la réponse quand les vecteurs bougent un peu, comme d'une machine à l'autre")
    p.add_argument("--sigma", type=float, nargs="+", default=[1e-5, 1e-4, 1e-3],
                   help="écarts types du bruit ajouté à chaque coordonnée")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--questions", type=Path, default=QUESTIONS)
    p.add_argument("--split", default="test", help="dev, test ou all")
    p.add_argument("--limit", type=int, default=None, help="ne prendre que les N premières questions")
    p.add_argument("--data-dir", type=Path, default=ROOT / ".kb", help="l'index à interroger (kb ingest)")
    p.set_defaults(run=bench_noise)
