"""The scale run's measuring steps, each in a fresh Python process (`python -m kb.bench.scale.steps STEP`) so that
its peak RSS and load time are its own: ingest, the loaded engine and its searches, the Chroma server under
load, the real model's throughput. Each writes its figures as JSON for the run to read."""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from kb.bench.common import MODES
from kb.config import ROOT, Settings


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def du_mb(*paths: Path) -> float:
    return sum(f.stat().st_size for p in paths if p.exists() for f in p.rglob("*") if f.is_file()) / 2**20


def settings_of(args: argparse.Namespace) -> Settings:
    return Settings(data_dir=Path(args.data), corpus_dir=Path(args.corpus), cache=Path(args.cache),
                    embedder=args.embedder, chroma_url=args.chroma or None, llm="")


class _Stages:
    """Wraps the ingest path's own functions with timers (the code measured is the code `kb ingest` runs)."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    def timed(self, stage: str, fn, *a, **kw):
        t = time.perf_counter()
        try:
            return fn(*a, **kw)
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - t

    def wrap(self, owner, name: str, stage: str) -> None:
        inner = getattr(owner, name)
        setattr(owner, name, lambda *a, **kw: self.timed(stage, inner, *a, **kw))


def child_ingest(args: argparse.Namespace) -> dict:
    import kb.index.store as store
    from kb.embed import CachedEmbeddings
    from kb.index.dense import DenseIndex
    from kb.index.lexical import LexicalIndex

    stages = _Stages()
    stages.wrap(store, "load_corpus", "load")
    stages.wrap(store, "chunk_document", "chunk")
    build = LexicalIndex.build.__func__
    LexicalIndex.build = classmethod(lambda cls, chunks: stages.timed("lexical", build, cls, chunks))
    stages.wrap(LexicalIndex, "save", "lexical")
    stages.wrap(DenseIndex, "add", "dense")
    stages.wrap(CachedEmbeddings, "embed_documents", "embed")
    settings = settings_of(args)
    t = time.perf_counter()
    report = store.ingest(settings, rebuild=True)
    total = time.perf_counter() - t
    build_dir = settings.index_root / "builds" / report.build_id
    return {"seconds": total, "stages": stages.seconds, "documents": report.documents, "chunks": report.chunks,
            "embedded": report.embedded, "problems": len(report.problems), "disk_mb": du_mb(build_dir),
            "peak_rss_mb": peak_rss_mb()}


def child_search(args: argparse.Namespace) -> dict:
    """Engine load (time, RSS), then `kb search` (HybridRetriever.retrieve) latency per mode, warm."""
    from kb.answer import Engine

    questions = json.loads(Path(args.questions).read_text(encoding="utf-8"))
    settings = settings_of(args)
    rss_before = rss_mb()
    t = time.perf_counter()
    engine = Engine(settings)
    load_s = time.perf_counter() - t
    engine_rss = rss_mb()
    embeddings = engine.store.dense.embeddings
    embed_query, embed_times = embeddings.embed_query, []

    def timed_query(text):
        t0 = time.perf_counter()
        try:
            return embed_query(text)
        finally:
            embed_times.append(time.perf_counter() - t0)

    embeddings.embed_query = timed_query
    modes = {}
    for mode in MODES:
        engine.settings = engine.retriever.settings = settings.model_copy(update={"retrieval": mode})
        engine.retriever.retrieve(questions[0], 10)  # warm-up
        embeddings.forget_questions()  # each mode embeds its questions: the same ones as the mode before
        embed_times.clear()
        latencies, dense, lexical, errors = [], [], [], 0
        for q in questions:
            t0 = time.perf_counter()
            try:
                found = engine.retriever.retrieve(q, 10)
            except Exception:  # counted, not fatal: the table says how many
                errors += 1
                continue
            latencies.append(time.perf_counter() - t0)
            dense.append(found.timings.get("dense", 0.0))
            lexical.append(found.timings.get("lexical", 0.0))
        modes[mode] = {"latencies": latencies, "dense": dense, "lexical": lexical, "embed": list(embed_times),
                       "errors": errors}
    return {"load_s": load_s, "engine_rss_mb": engine_rss, "python_rss_mb": rss_before,
            "rss_after_mb": rss_mb(), "peak_rss_mb": peak_rss_mb(), "modes": modes,
            "chunks": len(engine.store.chunks)}


def child_load(args: argparse.Namespace) -> dict:
    """`--clients` threads, each with its own HTTP client, query the server's collection with the questions'
    vectors (the dense part of a search: what the server serves); then one client alone, for comparison."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from kb.embed import make_embeddings
    from kb.index.store import current_manifest

    settings = settings_of(args)
    collection_name = current_manifest(settings)["collection"]
    questions = json.loads(Path(args.questions).read_text(encoding="utf-8"))
    embeddings = make_embeddings(settings.embedder)
    vectors = [embeddings.embed_query(q) for q in questions]
    host, port = settings.chroma_url.removeprefix("http://").split(":")

    def client():
        return chromadb.HttpClient(host=host, port=int(port), settings=ChromaSettings(anonymized_telemetry=False))

    def run(n_clients: int, per_client: int, rate: float = 0.0) -> dict:
        """`rate` > 0: each client sends that many queries a second at most (users who read the answers)."""
        latencies, errors, lock = [], [], threading.Lock()
        barrier = threading.Barrier(n_clients)

        def worker(c: int) -> None:
            collection = client().get_collection(collection_name)
            barrier.wait(timeout=60)
            start = time.perf_counter()
            for j in range(per_client):
                if rate:  # clients staggered over the period: users do not press Enter together
                    time.sleep(max(0.0, start + (j + c / n_clients) / rate - time.perf_counter()))
                v = vectors[(c * per_client + j) % len(vectors)]
                t0 = time.perf_counter()
                try:
                    collection.query(query_embeddings=[v], n_results=40, include=["distances"])
                    with lock:
                        latencies.append(time.perf_counter() - t0)
                except Exception as exc:  # the benchmark counts errors, it does not stop on them
                    with lock:
                        errors.append(exc.__class__.__name__)

        t = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(n_clients) as pool:
            futures = [pool.submit(worker, c) for c in range(n_clients)]
            done, not_done = concurrent.futures.wait(futures, timeout=args.load_timeout)
        wall = time.perf_counter() - t
        errors += ["TimeoutBenchmark"] * len(not_done)
        return {"clients": n_clients, "queries": len(latencies), "errors": errors, "wall_s": wall,
                "latencies": latencies, "rate": rate}

    client().get_collection(collection_name).query(query_embeddings=[vectors[0]], n_results=40)  # warm-up
    single = run(1, max(100, args.load_queries // args.clients))
    loaded = run(args.clients, args.load_queries // args.clients)
    paced = run(args.clients, args.load_queries // args.clients, args.load_rate)
    return {"single": single, "loaded": loaded, "paced": paced}


def child_embed(args: argparse.Namespace) -> dict:
    """The real model on `--n` passages of the corpus, as ingest feeds it (batches of 8), model load counted
    apart; and its query embedding latency."""
    from kb.chunking import chunk_document
    from kb.embed import CachedEmbeddings, make_embeddings
    from kb.corpus import document_of
    from kb.jsonl import read_jsonl

    texts: list[str] = []
    path = Path(args.corpus) / "codes.jsonl"
    for line, record in read_jsonl(path):
        texts += [c.index_text() for c in chunk_document(document_of(path, line, record))]
        if len(texts) >= args.n:
            break
    texts = texts[:args.n]
    model = make_embeddings(args.embedder)
    t = time.perf_counter()
    model.embed_query("chargement du modèle")
    load_s = time.perf_counter() - t
    cached = CachedEmbeddings(model, Path(args.cache))  # fills the cache the 1,000-passage ingest then reuses
    t = time.perf_counter()
    cached.embed_documents(texts)
    seconds = time.perf_counter() - t
    questions = json.loads(Path(args.questions).read_text(encoding="utf-8"))[:100]
    query_times = []
    for q in questions:
        t0 = time.perf_counter()
        model.embed_query(q)
        query_times.append(time.perf_counter() - t0)
    return {"passages": len(texts), "chars": sum(map(len, texts)), "seconds": seconds, "load_s": load_s,
            "embedded": cached.embedded, "query_latencies": query_times, "model_id": model.model_id}


CHILDREN = {"ingest": child_ingest, "search": child_search, "load": child_load, "embed": child_embed}


def child_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m kb.bench.scale.steps")
    parser.add_argument("step", choices=sorted(CHILDREN))
    for name in ("--data", "--corpus", "--cache", "--embedder", "--chroma", "--questions", "--out"):
        parser.add_argument(name, default="")
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--load-queries", type=int, default=400)
    parser.add_argument("--load-timeout", type=float, default=300)
    parser.add_argument("--load-rate", type=float, default=2.0)
    args = parser.parse_args(argv)
    result = CHILDREN[args.step](args)
    Path(args.out).write_text(json.dumps(result), encoding="utf-8")


def run_child(step: str, timeout: float, env: dict | None = None, **options) -> dict:
    """One measuring step in a fresh Python process; its JSON result (or the reason it failed)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        pass
    cmd = [sys.executable, "-m", "kb.bench.scale.steps", step, "--out", out.name]
    for key, value in options.items():
        cmd += [f"--{key.replace('_', '-')}", str(value)]
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("KB_")}, **(env or {})}
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
        if proc.returncode:
            return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
        return json.loads(Path(out.name).read_text(encoding="utf-8"))
    except subprocess.TimeoutExpired:
        return {"error": f"délai dépassé ({timeout:.0f} s)"}
    finally:
        Path(out.name).unlink(missing_ok=True)


if __name__ == "__main__":
    child_main(sys.argv[1:])
