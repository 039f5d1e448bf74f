"""Bulk documents: a `*.jsonl` corpus file holds one document a line, with the keys of the Markdown front
matter (id, title, kind, source_url, version, license, complete, …) plus `text`. This module reads and writes
the lines; kb/corpus.py turns each record into a Document by the front-matter rules (a bad line is reported
with its line number and skipped, never fatal)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from kb.errors import CorpusError


def read_jsonl(path: Path) -> Iterator[tuple[int, dict | CorpusError]]:
    """(line number, record or the reason it is unusable) for each non-blank line."""
    try:
        f = path.open(encoding="utf-8")
    except OSError as exc:
        yield 0, CorpusError(path, f"lecture impossible ({exc.strerror})")
        return
    with f:
        n = 0
        try:
            for n, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield n, CorpusError(f"{path}:{n}", f"ligne JSON invalide ({exc.msg}, colonne {exc.colno})")
                    continue
                if not isinstance(record, dict):
                    yield n, CorpusError(f"{path}:{n}", "un objet JSON est attendu sur chaque ligne")
                    continue
                yield n, record
        except UnicodeDecodeError as exc:
            yield n + 1, CorpusError(f"{path}:{n + 1}", f"le fichier n'est pas en UTF-8 (octet invalide à la position {exc.start})")


def write_jsonl(path: Path, records: Iterable[dict]) -> int:
    """Write documents (dicts with id, title, …, text) one a line; returns how many."""
    n = 0
    with path.open("w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n
