"""Answer → what the reader sees. `AnswerWriter` is the one walk over an answer (its parts, their order and
their headings), which Markdown (`kb ask`, here), the app and the dossier formats (kb/export) each implement;
the escaping helpers below keep corpus text from ever injecting Markdown or HTML."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod

from kb import labels
from kb.compose.draft import CATEGORIES
from kb.types import ActorRow, Answer, Citation, Decision, Statement

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")
INVALID_URL = "adresse non valide"
UNKNOWN_URL = labels.NOT_GIVEN


_URL = re.compile(r"https?://[^\s<>()\[\]\"'\\`]+[^\s<>()\[\]\"'\\`.,;:!?»]")
# A source address that may become a link: http(s), a host, and only the characters RFC 3986 allows (no
# space, quote, angle bracket or backslash that could end an autolink or an attribute and start markup).
_SAFE_URL = re.compile(r"(?i:https?)://[A-Za-z0-9.-]+(?::\d+)?(?:[/?#][A-Za-z0-9._~%!$&'()*+,;=:@/?#\[\]-]*)?")
# C0 and C1 controls (terminal escapes, bytes Word refuses), lone surrogates and non-characters: never shown.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def strip_controls(text: str) -> str:
    """Text without control characters (tab and line breaks kept): they would reach a terminal or a file."""
    return _CONTROL.sub("", text)


def safe_url(url: str) -> str | None:
    """The address when it is a plain http(s) address, else None: only those become links, whatever the
    source (a PDF sidecar, an edited `kb ask --json` file)."""
    url = (url or "").strip()
    return url if _SAFE_URL.fullmatch(url) else None


def url_text(url: str) -> str:
    """An address as inert text: itself when safe, « adresse non valide » otherwise, never the raw value."""
    if not (url or "").strip():
        return UNKNOWN_URL
    return safe_url(url) or INVALID_URL


def url_md(url: str) -> str:
    """An address in Markdown: an autolink when safe (no `>` or space can break out of it), plain words otherwise."""
    safe = safe_url(url)
    return f"<{safe}>" if safe else url_text(url)


def escape(text: str) -> str:
    """Markdown-inert text: special characters backslash-escaped, line breaks folded, control characters
    dropped; web addresses become autolinks (`<https://…>`) so that they stay clickable and unmangled."""
    text = " ".join(strip_controls(text).split())
    out, last = [], 0
    for m in _URL.finditer(text):
        out.append(_MD_SPECIAL.sub(r"\\\1", text[last:m.start()]))
        out.append(f"<{m.group(0)}>")
        last = m.end()
    out.append(_MD_SPECIAL.sub(r"\\\1", text[last:]))
    return "".join(out)


def statement_md(s: Statement) -> str:
    return f"{escape(s.text)} {s.marks}"


def status_label(c: Citation) -> str:
    return labels.status_label(c.status)


def row_cells(row: ActorRow) -> list[list[Statement]]:
    """A table row's statements, one list per column after the actor, in the order of `labels.MATRIX_HEADINGS`."""
    return [getattr(row, category) for category in CATEGORIES]


def provenance_notes(c: Citation) -> list[str]:
    """What the reader must know about how current a cited text is, and its note on entry into force."""
    notes = []
    if c.verified_on:
        notes.append(f"texte vérifié au {c.verified_on} ; vérifier la version en vigueur ({url_text(c.url)})")
    if c.amended_by:
        notes.append(f"attention : modifié depuis par le {c.amended_by} ; cette rédaction peut ne plus être à jour")
    if c.note:
        notes.append(f"NOTA (note de Légifrance, pas le texte de l'article) : {c.note}")
    return notes


def format_amount(d: Decision, none: str = "—") -> str:
    """« 1 500 000 € » with narrow no-break spaces, as French typography wants."""
    return f"{d.amount_eur:,} €".replace(",", "\u202f") if d.amount_eur else none


def decision_line(d: Decision) -> str:
    """One decision: a sanction with its amount (« sans amende » when the CNIL fined nothing); a court's ruling,
    which fines nobody, with what it held only."""
    amount = format_amount(d, "sans amende") if d.authority.startswith("CNIL") else format_amount(d, "")
    return f"{d.date} — {d.authority}, {d.reference} — {d.sanctioned}{f' — {amount}' if amount else ''}. {d.held}"


# --------------------------------------------------------------------------------------------- the walk

class AnswerWriter(ABC):
    """The one walk over an answer: notices, then the refusal or the answer (model text, gap, réponse, en bref,
    table, cited texts, decisions), then the disclaimer. Each renderer implements one method per part; the
    walk gives each part its heading, so the order and the wording are the same everywhere."""

    def write(self, answer: Answer) -> None:
        for notice in answer.notices:
            self.notice(notice)
        if answer.refused:
            self.refusal(labels.OUT_OF_SCOPE, labels.refusal_text(answer.refusal_reason), answer.suggestions)
            return
        if answer.llm_text:
            self.llm_text(labels.llm_heading(answer.mode), answer.llm_text)
        if answer.gap:
            self.gap(answer.gap)
        if answer.conclusion:
            self.conclusion(labels.CONCLUSION, answer.conclusion)
        if answer.brief:
            self.brief(labels.BRIEF, answer.brief)
        if self.details(answer):
            if answer.actors:
                self.table(labels.TABLE, answer.actors)
            if answer.citations:
                self.citations(labels.CITED_TEXTS, answer.citations)
            if answer.decisions:
                self.decisions(labels.DECISIONS, answer.decisions)
        self.disclaimer(labels.DISCLAIMER)

    def details(self, answer: Answer) -> bool:
        """Whether the table, cited texts and decisions are drawn (the app folds older answers)."""
        return True

    @abstractmethod
    def notice(self, text: str) -> None:
        """A warning attached to the answer (partial text, superseded version...)."""

    @abstractmethod
    def refusal(self, title: str, text: str, suggestions: list[str]) -> None:
        """Why the corpus cannot answer, and questions it covers (introduced by `labels.SUGGESTIONS_INTRO`)."""

    @abstractmethod
    def llm_text(self, title: str, text: str) -> None: ...

    @abstractmethod
    def gap(self, text: str) -> None:
        """What the question asks that the corpus does not cover."""

    @abstractmethod
    def conclusion(self, title: str, statements: list[Statement]) -> None:
        """The réponse, followed by `labels.MAP_LABEL`."""

    @abstractmethod
    def brief(self, title: str, statements: list[Statement]) -> None: ...

    @abstractmethod
    def table(self, title: str, rows: list[ActorRow]) -> None:
        """Headed by `labels.MATRIX_HEADINGS`; cells from `row_cells`."""

    @abstractmethod
    def citations(self, title: str, citations: list[Citation]) -> None: ...

    @abstractmethod
    def decisions(self, title: str, decisions: list[Decision]) -> None: ...

    @abstractmethod
    def disclaimer(self, text: str) -> None: ...


class MarkdownWriter(AnswerWriter):
    """The answer as escaped Markdown lines in `out`."""

    def __init__(self, heading_level: int = 3, full: bool = True):
        self.h, self.full, self.out = "#" * heading_level, full, []

    def text(self) -> str:
        return "\n".join(self.out).strip() + "\n"

    def _heading(self, title: str) -> None:
        self.out.append(f"{self.h} {escape(title)}\n")

    def notice(self, text):
        self.out.append(f"> ⚠️ {escape(text)}\n")

    def refusal(self, title, text, suggestions):
        self._heading(title)
        self.out.append(escape(text) + "\n")
        if suggestions:
            self.out.append(labels.SUGGESTIONS_INTRO + "\n")
            self.out.extend(f"- {escape(s)}" for s in suggestions)
            self.out.append("")

    def llm_text(self, title, text):
        self._heading(title)
        self.out.append(escape(text) + "\n")

    def gap(self, text):
        self.out.append(f"**{escape(text)}**\n")

    def conclusion(self, title, statements):
        self._heading(title)
        self.out.append(" ".join(statement_md(s) for s in statements) + "\n")
        self.out.append(f"*{labels.MAP_LABEL}*\n")

    def brief(self, title, statements):
        self._heading(title)
        self.out.extend(f"- {statement_md(s)}" for s in statements)
        self.out.append("")

    def table(self, title, rows):
        self._heading(title)
        self.out.append("| " + " | ".join(labels.MATRIX_HEADINGS) + " |")
        self.out.append("|" + "---|" * len(labels.MATRIX_HEADINGS))
        for row in rows:
            cells = [" ; ".join(statement_md(s) for s in items) or "—" for items in row_cells(row)]
            self.out.append(f"| **{row.label}** | " + " | ".join(cells) + " |")
        self.out.append("")

    def citations(self, title, citations):
        self._heading(title if self.full else labels.CITED_TEXTS_SHORT)
        for c in citations:
            label = status_label(c)
            badge = f" — *{label}*" if label else ""
            if not self.full:
                self.out.append(f"{c.n}. **{escape(c.locator)}**{badge} — {url_md(c.url)}")
                continue
            self.out.append(f"{c.n}. **{escape(c.locator)}**{badge}  ")
            self.out.append(f"   « {escape(c.quote)} »  ")
            self.out.append(f"   {labels.source_line(url_md(c.url), escape(c.version))}"
                            + "".join(f"  \n   *{escape(n)}*" for n in provenance_notes(c)))
        self.out.append("")

    def decisions(self, title, decisions):
        self._heading(title)
        self.out.extend(f"- {escape(decision_line(d))}" for d in decisions)
        self.out.append("")

    def disclaimer(self, text):
        self.out.append(f"*{text}*")


def answer_markdown(answer: Answer, heading_level: int = 3, full: bool = True) -> str:
    """The answer in Markdown; `full=False` lists the cited texts by reference and link, without their quotes
    (what `kb ask` prints by default: the answer stays short, `--full` adds the passages)."""
    writer = MarkdownWriter(heading_level, full)
    writer.write(answer)
    return writer.text()
