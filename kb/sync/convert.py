"""Official text → corpus Markdown, with one conversion for every source (API JSON or DILA XML):
<p> → blank line, <br> → line break, links → their text, entities decoded; nothing else touched."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser

from kb.corpus import ManifestEntry
from kb.sync.model import ABROGE, ArticleVersion, OfficialText
from kb.sync.sources import Target

CONVERSION_NOTE = ("Texte recopié mécaniquement de la source officielle (HTML « texteHtml » → texte : <p>/<br> → "
                   "sauts de ligne, liens → leur texte, entités décodées) ; aucun mot modifié.")
PSEUDONYMISED_NOTE = ("Les passages « […] » sont les pseudonymisations de la publication officielle, pas des "
                      "lacunes du corpus.")
_BLOCK = {"p", "div", "table", "tr", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}
_PARA = "\x00"  # paragraph boundary while parsing


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append(_PARA)
        elif tag == "td" or tag == "th":
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self.parts.append(_PARA)

    def handle_data(self, data: str) -> None:
        self.parts.append(re.sub(r"[ \t\r\n\f]+", " ", data))  # source whitespace; keeps non-breaking spaces


def html_to_text(html: str) -> str:
    """Paragraphs separated by one blank line; a <br> inside a paragraph stays a single line break."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    paragraphs = []
    for para in "".join(parser.parts).split(_PARA):
        lines = [line.strip(" ") for line in para.split("\n")]
        for chunk in "\n".join(lines).split("\n\n"):  # <br><br> is a paragraph break
            chunk = "\n".join(line for line in chunk.split("\n") if line)
            if chunk:
                paragraphs.append(chunk)
    return "\n\n".join(paragraphs)


@dataclass(frozen=True)
class Rendered:
    """A corpus file and the facts the manifest and the report need."""

    content: str
    body: str
    version: str
    legal_status: str
    ids: tuple[str, str]  # (legifrance_id, legifrance_cid)


def legal_status(text: OfficialText) -> str:
    return "abrogé" if text.etat == ABROGE else "en vigueur"


def version_label(text: OfficialText, upcoming: ArticleVersion | None = None) -> str:
    """The version as the corpus states it, from dateDebut / dateFin (ISO dates, French words)."""
    if text.kind == "cnil":
        label = f"délibération du {text.start}" + (f", publiée le {text.published}" if text.published else "")
    elif text.kind == "juri":
        label = f"décision du {text.start}"
    elif text.etat == ABROGE:
        label = f"version en vigueur du {text.start} au {text.end} ; article abrogé depuis le {text.end}"
    else:
        label = f"en vigueur depuis le {text.start}" + ("" if text.no_end else f", jusqu'au {text.end}")
    if upcoming is not None:
        label += f" ; nouvelle version à venir le {upcoming.start} ({upcoming.id}), non reprise ici"
    return label


def source_url(text: OfficialText) -> str:
    path = {"article": "codes/article_lc", "cnil": "cnil/id", "juri": "ceta/id"}[text.kind]
    return f"https://www.legifrance.gouv.fr/{path}/{text.id}"


def heading(text: OfficialText, target: Target) -> str:
    if text.kind == "article":
        return f"Article {text.num or target.num}"
    if text.kind == "cnil":
        return f"Délibération {text.num or target.num}"
    return f"Décision n° {text.num or target.num}"


def body(text: OfficialText, target: Target) -> str:
    parts = [f"## {heading(text, target)}", html_to_text(text.html)]
    nota = html_to_text(text.nota_html)
    if nota:
        parts += ["NOTA:", nota]
    return "\n\n".join(p for p in parts if p) + "\n"


def render(target: Target, entry: ManifestEntry, text: OfficialText, seen_at: str, today: date,
           upcoming: ArticleVersion | None = None) -> Rendered:
    """The whole corpus file: front matter in the corpus's key order, then the body."""
    text_body = body(text, target)
    notes = [CONVERSION_NOTE, *target.notes]
    if "[…]" in text_body or "[...]" in text_body:
        notes.append(PSEUDONYMISED_NOTE)
    if upcoming is not None:
        notes.append(f"Une nouvelle version ({upcoming.id}) entre en vigueur le {upcoming.start} : la version gardée "
                     f"est celle en vigueur le {today}.")
    version = version_label(text, upcoming)
    status = legal_status(text)
    meta = [("id", target.doc_id), ("title", entry.title), ("kind", entry.kind), ("jurisdiction", "FR"),
            ("source_url", source_url(text)), ("seen_at", [f"{seen_at}, {today} ({text.id})"]),
            ("legifrance_id", text.id), ("legifrance_cid", text.cid), ("version", version),
            ("legal_status", status), ("verified_on", today), ("license", entry.license), ("complete", True),
            ("verification_notes", notes)]
    return Rendered("---\n" + "".join(_yaml(k, v) for k, v in meta) + "---\n\n" + text_body, text_body, version,
                    status, (text.id, text.cid))


def _yaml(key: str, value) -> str:
    if isinstance(value, list):
        return f"{key}:\n" + "".join(f"  - {_scalar(v)}\n" for v in value)
    return f"{key}: {_scalar(value)}\n"


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", str(value)) and str(value) not in ("true", "false", "null", "yes", "no"):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar
