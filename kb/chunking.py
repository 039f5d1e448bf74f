"""Legal-structure chunker: article → numbered paragraph (1., I.-) → point (a), 1°) when a paragraph
is long; fiches by heading; PDFs by paragraph. A chunk is always `document.text[start:end]`: it never
cuts a sentence and never spans a gap marker or a maintainers' comment."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from kb.corpus import GAP_OPEN, MARKERS
from kb.legalrefs import CSP_PREFIX, GDPR_PREFIX, PENAL_PREFIX, actors_bound, family_of
from kb.text import sentence_spans
from kb.types import Chunk, Document

CHUNKER_VERSION = "4"
MAX_CHARS = 1200

_BLANK = re.compile(r"\n[ \t]*\n\s*")
_ROMAN = re.compile(r"^(I|II|III|IV|V|VI|VII|VIII|IX|X)\s?\.\s?[-–—]\s?")
_NUM_DOT = re.compile(r"^(\d{1,2})\.\s")
_NUM_PAREN = re.compile(r"^(\d{1,2})\)\s")
_DEGREE = re.compile(r"^(\d{1,2})°\s")
_LETTER = re.compile(r"^([a-z])\)\s")
_CODES = {GDPR_PREFIX: "RGPD", CSP_PREFIX: "CSP", PENAL_PREFIX: "Code pénal"}
# Légifrance's editorial note on entry into force: it closes the article and is not the article's text.
_NOTA = re.compile(r"^NOTA\s*:?\s*$")


@dataclass
class _Block:
    start: int
    end: int
    text: str
    gap: bool = False  # a [LACUNE: …] marker: not text, but it counts as an alinéa


@dataclass
class _Unit:
    """A numbered paragraph (or the unnumbered text of an article) with its blocks."""

    label: str | None
    display: str
    items: list[tuple[_Block, str | None]] = field(default_factory=list)  # (block, point label)


def chunk_document(doc: Document) -> list[Chunk]:
    if doc.is_fiche:
        chunks = _chunk_fiche(doc)
    elif doc.pages:
        chunks = _chunk_pdf(doc)
    else:
        chunks = _chunk_article(doc)
    return _unique_ids(chunks)


def _blocks(text: str) -> list[_Block]:
    """Paragraphs between blank lines and markers; gap markers kept as `gap` pseudo-blocks."""
    blocks: list[_Block] = []
    pos = 0
    for m in [*MARKERS.finditer(text), None]:
        end = m.start() if m else len(text)
        region = text[pos:end]
        offset = pos
        for piece in _BLANK.split(region):
            idx = region.find(piece, offset - pos) if piece else -1
            if idx < 0:
                continue
            s, e = pos + idx, pos + idx + len(piece)
            offset = e
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                blocks.append(_Block(s, e, text[s:e]))
        if m is None:
            break
        if m.group(0).startswith(GAP_OPEN):
            blocks.append(_Block(m.start(), m.end(), m.group(0), gap=True))
        pos = m.end()
    return blocks


def _paragraph_label(text: str, unit: _Unit | None) -> tuple[str, str, str] | None:
    """(kind, label, display) for a numbered block: kind is 'unit' or 'point'."""
    if m := _ROMAN.match(text):
        return "unit", m[1], m[1]
    if m := _NUM_DOT.match(text):
        return "unit", m[1], f"§ {m[1]}"
    if m := _NUM_PAREN.match(text):
        return "unit", m[1], f"{m[1]})"
    # 1° and a) are points under a paragraph, or paragraphs of their own in an article without one
    if m := _DEGREE.match(text):
        return ("point" if unit and unit.label and not unit.display.endswith("°") else "unit"), m[1], f"{m[1]}°"
    if m := _LETTER.match(text):
        under = unit and unit.label and not re.fullmatch(r"[a-z]\)", unit.display)
        return ("point" if under else "unit"), m[1], f"{m[1]})"
    return None


def _article_name(doc: Document, headings: list[str]) -> tuple[str, str]:
    """('RGPD', 'art. 28') from the `## Article 28` heading and the id prefix."""
    code = _CODES.get(family_of(doc.doc_id), doc.title)
    for h in headings:
        if m := re.match(r"Article\s+(\S+)", h):
            return code, f"art. {m[1]}"
    return code, ""


def _chunk_article(doc: Document) -> list[Chunk]:
    headings: list[str] = []
    units: list[_Unit] = []
    unit: _Unit | None = None
    point_displays: dict[str, str] = {}
    blocks = _blocks(doc.text)
    nota_at = next((i for i, b in enumerate(blocks) if not b.gap and _NOTA.match(b.text)), len(blocks))
    blocks, nota = blocks[:nota_at], blocks[nota_at + 1:]
    for block in blocks:
        if not block.gap and block.text.startswith("#"):
            headings.append(block.text.lstrip("#").strip())
            continue
        label = None if block.gap else _paragraph_label(block.text, unit)
        if label and label[0] == "unit":
            unit = _Unit(label[1], label[2])
            units.append(unit)
            unit.items.append((block, None))
        elif label:
            point_displays[label[1]] = label[2]
            unit.items.append((block, label[1]))
        else:
            if unit is None:
                unit = _Unit(None, "")
                units.append(unit)
            unit.items.append((block, None))
    code, article = _article_name(doc, headings)
    base = [p for p in (code, article) if p]
    chunks: list[Chunk] = []
    for unit in units:
        chunks.extend(_unit_chunks(doc, unit, headings, base, point_displays, single=len(units) == 1))
    if nota:
        for i, (s, e) in enumerate(_sentence_parts(doc.text, nota[0].start, nota[-1].end)):
            chunks.append(_make(doc, "nota" + (f"-{i + 1}" if i else ""), base + ["NOTA"], headings + ["NOTA"], s, e, "",
                                kind="nota"))
    return chunks


def _unit_chunks(doc, unit: _Unit, headings, base, point_displays, single: bool) -> list[Chunk]:
    """One chunk per gap-free run of the unit if it is short, else one per point or alinéa."""
    key = unit.label or "al1"
    unit_loc = [unit.display] if unit.label else ([] if single else ["al. 1"])
    lead = unit.items[0][0].text if unit.items and not unit.items[0][0].gap else ""
    runs: list[list[tuple[_Block, str | None, int]]] = [[]]
    alinea = 0
    for block, point in unit.items:
        if point is None:
            alinea += 1
        if block.gap:
            runs.append([])
        else:
            runs[-1].append((block, point, alinea))
    out: list[Chunk] = []
    for run in (r for r in runs if r):
        first_block, first_point, first_al = run[0]
        span = doc.text[first_block.start:run[-1][0].end]
        if len(span) <= MAX_CHARS:
            cid, loc = _part_id(key, unit_loc, first_point, first_al, point_displays)
            ctx = lead if first_al > 1 or first_point else ""
            out.append(_make(doc, cid, base + loc, headings + [x for x in loc], first_block.start, run[-1][0].end, ctx))
            continue
        for block, point, al in run:
            cid, loc = _part_id(key, unit_loc, point, al, point_displays)
            ctx = lead if block.text != lead else ""
            for i, (s, e) in enumerate(_sentence_parts(doc.text, block.start, block.end)):
                suffix = f"-{i + 1}" if (s, e) != (block.start, block.end) else ""
                out.append(_make(doc, cid + suffix, base + loc, headings + loc, s, e, ctx))
    return out


def _part_id(key: str, unit_loc: list[str], point: str | None, alinea: int, point_displays) -> tuple[str, list[str]]:
    if point:
        return f"{key}.{point}", unit_loc + [point_displays.get(point, point)]
    if alinea > 1:
        return f"{key}.al{alinea}", (unit_loc or []) + [f"al. {alinea}"]
    return key, unit_loc


def _sentence_parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a too-long block at sentence ends into parts of at most MAX_CHARS (a longer sentence stays whole)."""
    if end - start <= MAX_CHARS:
        return [(start, end)]
    parts: list[tuple[int, int]] = []
    cur_s = cur_e = None
    for s, e in sentence_spans(text[start:end]):
        s, e = s + start, e + start
        if cur_s is not None and e - cur_s > MAX_CHARS:
            parts.append((cur_s, cur_e))
            cur_s = None
        if cur_s is None:
            cur_s = s
        cur_e = e
    parts.append((cur_s, cur_e))
    return parts


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "section"


_BULLET = re.compile(r"^- .*$", re.M)


def _chunk_fiche(doc: Document) -> list[Chunk]:
    """One chunk per `## ` section (split at bullets when long); the disclaimer line is not a chunk."""
    out: list[Chunk] = []
    sections = list(re.finditer(r"^##\s+(.+)$", doc.text, re.M))
    for i, sec in enumerate(sections):
        body_end = sections[i + 1].start() if i + 1 < len(sections) else len(doc.text)
        bullets = [(sec.end() + m.start(), sec.end() + m.end()) for m in _BULLET.finditer(doc.text[sec.end():body_end])]
        title = sec[1].strip()
        loc = [f"{doc.title} — {title}"]
        group: list[tuple[int, int]] = []
        part = 0
        for b in bullets + [None]:
            if group and (b is None or b[1] - group[0][0] > MAX_CHARS):
                part += 1
                cid = _slug(title) + (f"-{part}" if part > 1 else "")
                out.append(_make(doc, cid, loc, [title], group[0][0], group[-1][1], ""))
                group = []
            if b is not None:
                group.append(b)
    return out


def _chunk_pdf(doc: Document) -> list[Chunk]:
    """Paragraphs packed up to MAX_CHARS within a page; the locator gives the page."""
    out: list[Chunk] = []
    group: list[_Block] = []
    for block in [*_blocks(doc.text), None]:
        page = doc.page_at(block.start) if block else None
        if group and (block is None or block.end - group[0].start > MAX_CHARS or page != doc.page_at(group[0].start)):
            for s, e in _sentence_parts(doc.text, group[0].start, group[-1].end):
                p = doc.page_at(s)
                out.append(_make(doc, f"p{p}", [doc.title, f"p. {p}"], [f"p. {p}"], s, e, ""))
            group = []
        if block is not None:
            group.append(block)
    return out


def _make(doc: Document, suffix: str, locator: list[str], path: list[str], start: int, end: int, context: str,
          kind: str = "") -> Chunk:
    text = doc.text[start:end]
    actors = actors_bound(text + " " + context) or doc.actors
    return Chunk(
        chunk_id=f"{doc.doc_id}#{suffix}", doc_id=doc.doc_id, title=doc.title, locator=", ".join(locator),
        heading_path=tuple(path), text=text, start=start, end=end, url=doc.url, version=doc.version,
        status=doc.status, kind=kind or ("fiche" if doc.is_fiche else "official"), actors=actors,
        page=doc.page_at(start), context=context[:300],
    )


def _unique_ids(chunks: list[Chunk]) -> list[Chunk]:
    """Ids stay stable and unique: a repeated id gets -2, -3… in document order, skipping any suffix another
    chunk already has as its own id (sections « Obligations », « Obligations », « Obligations 2 »)."""
    from dataclasses import replace

    natural = {c.chunk_id for c in chunks}
    used: set[str] = set()
    out = []
    for c in chunks:
        if c.chunk_id in used:
            n = 2
            while f"{c.chunk_id}-{n}" in used or f"{c.chunk_id}-{n}" in natural:
                n += 1
            c = replace(c, chunk_id=f"{c.chunk_id}-{n}")
        used.add(c.chunk_id)
        out.append(c)
    return out
