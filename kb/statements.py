"""What counts as one statement of a passage: a fiche bullet without its source bracket, or a sentence of an
official text (lead-ins ending in « : » say nothing alone). And the texts a fiche bullet was written from."""

from __future__ import annotations

import re
from functools import lru_cache

from kb.text import sentence_spans
from kb.types import Chunk

_SOURCE_BRACKET = re.compile(r"\s*\[[^\[\]]*\]\s*$")
_BRACKET_AFTER = re.compile(r"[ \t]*\[([^\[\]\n]*)\]")
_DOC_ID = re.compile(r"(?<![\w/.-])[a-z]+-[A-Za-z0-9-]+[A-Za-z0-9]")
_MIN_SENTENCE = 25


@lru_cache(maxsize=4_096)
def statement_spans(chunk: Chunk) -> tuple[tuple[int, int], ...]:
    """Absolute spans of a chunk's statements; none for a NOTA (a note on entry into force, not the text)."""
    spans = []
    if chunk.kind == "nota":
        return ()
    if chunk.kind == "fiche":
        for m in re.finditer(r"^- (.+)$", chunk.text, re.M):
            s = chunk.start + m.start(1)
            spans.append((s, s + len(_SOURCE_BRACKET.sub("", m[1]))))
    else:
        for s, e in sentence_spans(chunk.text):
            text = chunk.text[s:e]
            if len(text) < _MIN_SENTENCE or text.endswith(":"):
                continue
            spans.append((chunk.start + s, chunk.start + e))
    return tuple((s, e) for s, e in spans if chunk.text[s - chunk.start:e - chunk.start].strip())


def source_ids(text: str, end: int) -> set[str]:
    """Document ids named in the source bracket that closes a fiche statement ending at `end`
    (« … [rgpd-art-33 § 1 ; source: https://…] »): what the statement was written from."""
    match = _BRACKET_AFTER.match(text, end)
    return set(_DOC_ID.findall(match[1])) if match else set()
