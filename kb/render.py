"""Answer → French Markdown (used by `kb ask`, the app's download and the Markdown export).

Corpus text is escaped so that it can never inject Markdown or HTML."""

from __future__ import annotations

import re

from kb.types import Answer, Citation, Decision, Statement

STATUS_LABELS = {"partial": "texte partiel", "fiche": "fiche de synthèse (non officielle)", "complete": ""}
DISCLAIMER = ("Information juridique générale, pas un conseil juridique : seul le texte officiel fait foi "
              "(liens dans « Textes cités »).")
TABLE_HEADING = "Qui fait quoi ?"
MAP_LABEL = ("Synthèse du projet, pas le texte de la loi : chaque phrase renvoie au passage officiel (ou à la fiche) "
             "qui la prouve, cité mot pour mot dans « Textes cités ».")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")
INVALID_URL = "adresse non valide"
UNKNOWN_URL = "non précisée"


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
    return STATUS_LABELS.get(c.status, "")


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
    return f"{d.date} — {d.authority}, {d.reference} — {d.sanctioned} — {format_amount(d, 'sans amende')}. {d.held}"


def answer_markdown(answer: Answer, heading_level: int = 3, full: bool = True) -> str:
    """The answer in Markdown; `full=False` lists the cited texts by reference and link, without their quotes
    (what `kb ask` prints by default: the answer stays short, `--full` adds the passages)."""
    h = "#" * heading_level
    out: list[str] = []
    for notice in answer.notices:
        out.append(f"> ⚠️ {escape(notice)}\n")
    if answer.refused:
        out.append(f"{h} Question hors du champ du corpus\n")
        out.append(f"Le corpus ne permet pas de répondre : {escape(answer.refusal_reason)}\n")
        if answer.suggestions:
            out.append("Questions couvertes, par exemple :\n")
            out.extend(f"- {escape(s)}" for s in answer.suggestions)
            out.append("")
        return "\n".join(out).strip() + "\n"
    if answer.llm_text:
        out.append(f"{h} Réponse rédigée par le modèle ({escape(answer.mode)}), citations vérifiées\n")
        out.append(escape(answer.llm_text) + "\n")
    if answer.gap:
        out.append(f"**{escape(answer.gap)}**\n")
    if answer.conclusion:
        out.append(f"{h} Réponse\n")
        out.append(" ".join(statement_md(s) for s in answer.conclusion) + "\n")
        out.append(f"*{MAP_LABEL}*\n")
    if answer.brief:
        out.append(f"{h} En bref\n")
        out.extend(f"- {statement_md(s)}" for s in answer.brief)
        out.append("")
    if answer.actors:
        out.append(f"{h} {TABLE_HEADING}\n")
        out.append("| Acteur | Obligations | Responsabilité | Sanctions encourues |")
        out.append("|---|---|---|---|")
        for row in answer.actors:
            cells = [" ; ".join(statement_md(s) for s in items) or "—"
                     for items in (row.obligations, row.responsibility, row.sanctions)]
            out.append(f"| **{row.label}** | " + " | ".join(cells) + " |")
        out.append("")
    if answer.citations:
        out.append(f"{h} Textes cités\n" if full else f"{h} Textes cités (passages complets : --full)\n")
        for c in answer.citations:
            label = status_label(c)
            badge = f" — *{label}*" if label else ""
            if not full:
                out.append(f"{c.n}. **{escape(c.locator)}**{badge} — {url_md(c.url)}")
                continue
            out.append(f"{c.n}. **{escape(c.locator)}**{badge}  ")
            out.append(f"   « {escape(c.quote)} »  ")
            out.append(f"   Source : {url_md(c.url)} — version : {escape(c.version) or 'non précisée'}"
                       + "".join(f"  \n   *{escape(n)}*" for n in provenance_notes(c)))
        out.append("")
    if answer.decisions:
        out.append(f"{h} Décisions de la CNIL et du juge\n")
        out.extend(f"- {escape(decision_line(d))}" for d in answer.decisions)
        out.append("")
    out.append(f"*{DISCLAIMER}*")
    return "\n".join(out).strip() + "\n"
