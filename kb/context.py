"""A citation's quote shown inside its surrounding text, so that a reader can check what it says in context.

The quote is located by its offsets in the document text; the context is cut at paragraph boundaries
when one lies within `margin` characters, else at a word boundary (and marked as cut). Editorial HTML
comments are never shown; gap markers (« [LACUNE: …] ») are flagged so that they can be shown as such."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.corpus import COMMENT_OPEN, GAP_OPEN
from kb.errors import OffsetError

MARGIN = 400
_COMMENT = re.compile(rf"{COMMENT_OPEN}.*?(?:-->|\Z)", re.S)  # unclosed: hidden to the end
_PREFIX = re.compile(r"(?:(?P<heading>#{1,6}) |(?P<bullet>[-*+]) |(?P<quote>>) ?)")
_GAP = re.compile(rf"^{re.escape(GAP_OPEN)}\b")


@dataclass(frozen=True)
class Piece:
    text: str
    quoted: bool  # inside the citation's quote


@dataclass(frozen=True)
class Line:
    """One line of the context: `kind` says how the source Markdown marked it up."""

    kind: str  # text | heading | bullet | quote | gap
    pieces: tuple[Piece, ...]

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)


@dataclass(frozen=True)
class Passage:
    lines: tuple[Line, ...]
    cut_before: bool  # the context starts inside a paragraph
    cut_after: bool

    @property
    def quoted_text(self) -> str:
        return "".join(p.text for line in self.lines for p in line.pieces if p.quoted)


def passage_in_context(text: str, start: int, end: int, margin: int = MARGIN) -> Passage:
    """The lines around `text[start:end]`, with the quoted part of each line marked."""
    if not 0 <= start <= end <= len(text):
        raise OffsetError(f"offsets hors du texte : {start}-{end} (longueur {len(text)})")
    lo, cut_before = _context_start(text, start, margin)
    hi, cut_after = _context_end(text, end, margin)
    hidden = [(m.start(), m.end()) for m in _COMMENT.finditer(text)]
    lines = []
    pos = lo
    for raw in text[lo:hi].split("\n"):
        line_start, line_end = pos, pos + len(raw)
        pos = line_end + 1
        line = _line(text, line_start, line_end, start, end, hidden, at_line_start=line_start == 0
                     or text[line_start - 1] == "\n")
        if line is not None:
            lines.append(line)
    return Passage(tuple(lines), cut_before, cut_after)


def _context_start(text: str, start: int, margin: int) -> tuple[int, bool]:
    """The earliest paragraph start within `margin` before the quote, else a word start."""
    lo = max(0, start - margin)
    if lo == 0:
        return 0, False
    boundary = text.find("\n\n", max(0, lo - 2), start)
    if boundary != -1:
        return boundary + 2, False
    space = text.find(" ", lo, start)
    return (space + 1, True) if space != -1 else (start, start > 0 and text[start - 1] not in "\n")


def _context_end(text: str, end: int, margin: int) -> tuple[int, bool]:
    """The last paragraph end within `margin` after the quote, else a word end."""
    hi = min(len(text), end + margin)
    if hi == len(text):
        return len(text), False
    boundary = text.rfind("\n\n", end, hi + 2)
    if boundary != -1:
        return boundary, False
    space = text.rfind(" ", end, hi)
    return (space, True) if space != -1 else (end, end < len(text) and text[end] != "\n")


def _line(text: str, ls: int, le: int, qs: int, qe: int, hidden: list[tuple[int, int]],
          at_line_start: bool) -> Line | None:
    kind, content = "text", ls
    match = _PREFIX.match(text, ls, le) if at_line_start else None
    if match:
        kind = next(k for k in ("heading", "bullet", "quote") if match.group(k))
        content = match.end()
    # Visible spans of the line: its content minus editorial comments.
    spans = [(content, le)]
    for hs, he in hidden:
        spans = [part for s, e in spans for part in ((s, min(e, hs)), (max(s, he), e)) if part[0] < part[1]]
    pieces = []
    for s, e in spans:
        for a, b, quoted in ((s, min(e, qs), False), (max(s, qs), min(e, qe), True), (max(s, qe), e, False)):
            if a < b:
                pieces.append(Piece(text[a:b], quoted))
    if not "".join(p.text for p in pieces).strip():
        return None
    if kind == "text" and _GAP.match(pieces[0].text):
        kind = "gap"
    return Line(kind, tuple(pieces))
