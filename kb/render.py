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


_URL = re.compile(r"https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?»]")


def escape(text: str) -> str:
    """Markdown-inert text: special characters backslash-escaped, line breaks folded; web addresses
    become autolinks (`<https://…>`) so that they stay clickable and unmangled."""
    text = " ".join(text.split())
    out, last = [], 0
    for m in _URL.finditer(text):
        out.append(_MD_SPECIAL.sub(r"\\\1", text[last:m.start()]))
        out.append(f"<{m.group(0)}>")
        last = m.end()
    out.append(_MD_SPECIAL.sub(r"\\\1", text[last:]))
    return "".join(out)


def statement_md(s: Statement) -> str:
    return f"{escape(s.text)} [{s.n}]"


def status_label(c: Citation) -> str:
    return STATUS_LABELS.get(c.status, "")


def provenance_notes(c: Citation) -> list[str]:
    """What the reader must know about how current a cited text is, and its note on entry into force."""
    notes = []
    if c.verified_on:
        notes.append(f"texte vérifié au {c.verified_on} ; vérifier la version en vigueur ({c.url})")
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


def answer_markdown(answer: Answer, heading_level: int = 3) -> str:
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
        out.append(f"{h} Textes cités\n")
        for c in answer.citations:
            label = status_label(c)
            badge = f" — *{label}*" if label else ""
            out.append(f"{c.n}. **{escape(c.locator)}**{badge}  ")
            out.append(f"   « {escape(c.quote)} »  ")
            out.append(f"   Source : <{c.url}> — version : {escape(c.version) or 'non précisée'}"
                       + "".join(f"  \n   *{escape(n)}*" for n in provenance_notes(c)))
        out.append("")
    if answer.decisions:
        out.append(f"{h} Décisions de la CNIL et du juge\n")
        out.extend(f"- {escape(decision_line(d))}" for d in answer.decisions)
        out.append("")
    out.append(f"*{DISCLAIMER}*")
    return "\n".join(out).strip() + "\n"
