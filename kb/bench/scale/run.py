"""`python -m kb.bench scale`: size after size, each step measured in its own process (steps.py), against a local
Chroma directory and then a `chroma run` server; a size's tables are printed as soon as it ends."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from kb.bench.common import load_questions
from kb.bench.scale import REAL, STANDIN
from kb.bench.scale.corpus import SHARED_BENCH, code_records, corpus_for_sizes, make_questions
from kb.bench.scale.report import SizeResult, load_average, print_size, print_summary
from kb.bench.scale.steps import du_mb, run_child
from kb.bench.servers import chroma_server


def bench_scale(args: argparse.Namespace) -> None:
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
            print_size(result, embed)
        print_summary(results, embed)
        log("terminé")


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
