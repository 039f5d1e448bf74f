"""The scale run's printed tables: per size (ingest stages, search latency per mode, the server under load),
then the real model's throughput and each target held or missed."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from kb.bench.common import MODES, percentile, table
from kb.bench.scale import REAL, STANDIN

TARGETS = {"hybrid_p95_ms": 250, "lexical_p95_ms": 50, "engine_rss_mb": 2048, "lexical_build_s": 60,
           "server_vs_local": 1.5, "load_p95_vs_single": 2.0}


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


def query_latencies(embed: dict) -> list[float]:
    """The real model's query embedding times, one OpenMP thread (as the app) when measured."""
    return embed.get("query_latencies_1thread") or embed["query_latencies"]


def _emb_label(embedder: str) -> str:
    return f"{REAL} (réel)" if embedder == REAL else "standin (substitut, pas un modèle)"


def print_size(r: SizeResult, embed: dict | None) -> None:
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
                         ms(percentile(m["latencies"], 50)), ms(percentile(m["latencies"], 95)),
                         ms(percentile(m["embed"], 50)) if mode != "lexical" else "—",
                         ms(percentile(m["dense"], 50)) if mode != "lexical" else "—",
                         ms(percentile(m["lexical"], 50)) if mode != "dense" else "—",
                         f"{s['load_s']:.1f} s / {s['engine_rss_mb']:.0f} Mo" if mode == "lexical" else ""])
    print(table(["kb search", "embeddings", "mode", "questions", "erreurs", "p50 ms", "p95 ms",
                 "p50 vecteur question ms", "p50 dense (avec vecteur) ms", "p50 lexical ms",
                 "moteur : chargement / RSS"], rows))
    if embed and "error" not in embed and r.embedder == STANDIN and "local" in r.search and "error" not in r.search["local"]:
        h = r.search["local"]["modes"]["hybrid"]
        q95 = percentile(query_latencies(embed), 95)
        print(f"hybrid local avec le vecteur de question de {REAL} (estimé : p95 standin + p95 du vecteur {REAL}, "
              f"un fil, {ms(q95)} ms) : p95 ≈ {ms(percentile(h['latencies'], 95) + q95)} ms")
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
                             ms(percentile(x["latencies"], 50)), ms(percentile(x["latencies"], 95))])
            print(table(["serveur Chroma, requêtes denses (k=40)", "embeddings", "requêtes", "erreurs", "types",
                         "débit req/s", "p50 ms", "p95 ms"], rows))
    sys.stdout.flush()


def print_summary(results: list[SizeResult], embed: dict | None) -> None:
    print(f"\n## Modèle réel et cibles — {load_average()}\n")
    if embed and "error" not in embed:
        rate = embed["passages"] / embed["seconds"]
        query, one_thread = embed["query_latencies"], embed.get("query_latencies_1thread", [])
        print(f"{REAL} ({embed['model_id']}) : {embed['passages']} passages ({embed['chars']} caractères) en "
              f"{embed['seconds']:.1f} s = {rate:.2f} passages/s, {embed['chars'] / embed['seconds']:.0f} caractères/s "
              f"(chargement du modèle {embed['load_s']:.1f} s) ; vecteur d'une question p50 "
              f"{ms(percentile(query, 50))} ms, p95 {ms(percentile(query, 95))} ms "
              f"(un seul fil OpenMP, comme l'application : p50 {ms(percentile(one_thread, 50))} ms, "
              f"p95 {ms(percentile(one_thread, 95))} ms)")
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
    q95 = percentile(query_latencies(embed), 95) if embed and "error" not in embed and r.embedder == STANDIN else 0.0
    if "modes" in local:
        h95 = percentile(local["modes"]["hybrid"]["latencies"], 95) + q95
        l95 = percentile(local["modes"]["lexical"]["latencies"], 95)
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
            ratio = (percentile(server["modes"][mode]["latencies"], 95)
                     / percentile(local["modes"][mode]["latencies"], 95))
            rows.append([f"{mode} p95 serveur / local", f"≤ {TARGETS['server_vs_local']}", f"{ratio:.2f}",
                         _ok(ratio <= TARGETS["server_vs_local"])])
    if r.load and "error" not in r.load:
        single, loaded = r.load["single"], r.load["loaded"]
        ratio = percentile(loaded["latencies"], 95) / percentile(single["latencies"], 95)
        rows.append([f"{loaded['clients']} clients : p95 / 1 client", f"≤ {TARGETS['load_p95_vs_single']}",
                     f"{ratio:.2f}", _ok(ratio <= TARGETS["load_p95_vs_single"])])
        paced = r.load["paced"]
        ratio = percentile(paced["latencies"], 95) / percentile(single["latencies"], 95)
        rows.append([f"{paced['clients']} clients à {paced['rate']:g} req/s : p95 / 1 client",
                     f"≤ {TARGETS['load_p95_vs_single']}", f"{ratio:.2f}", _ok(ratio <= TARGETS["load_p95_vs_single"])])
        errors = len(loaded["errors"]) + len(paced["errors"])
        rows.append([f"{loaded['clients']} clients : erreurs", "0", str(errors), _ok(not errors)])
    print(table(["cible", "seuil", "mesure", "état"], rows))


def _ok(flag: bool) -> str:
    return "tenue" if flag else "MANQUÉE"
