"""The scale run's corpora: every article of the four shared codes as a JSONL record, cut into one corpus per
size (each a prefix of the next), and the questions asked of each."""

from __future__ import annotations

import gzip
import json
import random
import re
from pathlib import Path

from kb.config import ROOT
from kb.legalrefs import CSP_PREFIX, PENAL_PREFIX

SHARED_BENCH = ROOT.parent / "shared" / "bench"
CODES = {  # code name → doc id prefix (the shipped corpus's for the two codes it holds)
    "Code de la santé publique": CSP_PREFIX,
    "Code pénal": PENAL_PREFIX,
    "Code de la sécurité sociale": "css-",
    "Code du travail": "ct-",
}
SEED = 20231206


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
                base = f"{CODES.get(a['code'], 'code-')}{re.sub(r'[^A-Za-z0-9._-]+', '-', a['num']).strip('-')}"
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
