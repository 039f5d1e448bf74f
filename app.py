"""Streamlit front end: cached resources, chat and rendering only; every answer comes from `kb`.

Run with `streamlit run app.py` (settings from the `KB_*` environment, see kb/config.py). Nothing the
corpus or a model says is rendered as HTML: corpus text is escaped before it goes into Markdown."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from datetime import date
from functools import partial

import streamlit as st

import kb
from kb import labels
from kb import ACTOR_LABELS, ACTORS, ActorRow, Answer, Citation, Decision, Engine, Line, Redaction, Statement
from kb.config import Settings, debug_requested
from kb.errors import KbError
from kb.export import DossierMeta, export_dossier, exporter_for
from kb.render import AnswerWriter, escape, format_amount, row_cells
from kb.render import safe_url as plain_web_url

TITLE = "Responsabilité données de santé"
STARTERS = (
    "Mon logiciel est en SaaS chez un hébergeur certifié HDS : qui est responsable en cas de fuite de données ?",
    "Mon éditeur de logiciel doit-il être certifié HDS ?",
    "Que couvre l'activité 5 de la certification HDS, « administration et exploitation du système "
    "d'information » ?",
    "Dois-je notifier une violation de données à la CNIL dans les 72 heures ?",
    "Pourquoi deux médecins ont-ils été sanctionnés par la CNIL en 2020 ?",
    "Que dois-je exiger dans le contrat avec mon hébergeur de données de santé ?",
)
WARMUP_QUESTION = "Qui est responsable en cas de fuite de données de santé ?"
EXTRACTIVE = "Sources uniquement (sans IA)"
_URL = re.compile(r"https?://[^\s<>\"'\\$()\[\]]+[^\s<>\"'\\$()\[\].,;:!?»]")
DOWNLOADS = (("md", "Markdown"), ("docx", "Word (.docx)"), ("pdf", "PDF"))
STATUS_MARKS = {"partial": "⚠️ ", "facts-only": "ℹ️ "}
FULL_TURNS = 3  # answers shown in full; older ones keep their brief, the rest behind a toggle


@dataclass
class Turn:
    """One exchange of the chat. Only the redacted question is ever kept."""

    question: str
    removed: tuple[str, ...] = ()  # kinds of personal data taken out of the question
    answer: Answer | None = None
    error: str = ""
    seconds: float = 0.0


# -- resources ---------------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def load_engine(_settings: Settings, key: str) -> Engine:
    """Build the index on first run, load it once, and warm the models so the first question is fast.
    (A background thread, to draw the page first, was measured no faster: loading holds the GIL.)"""
    # One thread per query embedding (read when the model library loads): the browser shares these cores,
    # and a second OpenMP thread waiting for a busy core made answers slower (`python -m kb.bench app`).
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if not kb.has_index(_settings):
        with st.spinner("Indexation du corpus…"):
            kb.ingest(_settings)
    engine = Engine(_settings)
    engine.answer(WARMUP_QUESTION, llm="")
    return engine


@st.cache_data(show_spinner=False)
def load_sources(_settings: Settings, build_id: str) -> list[dict]:
    return kb.sources_table(_settings)


def get_engine(settings: Settings) -> Engine:
    try:
        with st.spinner("Chargement de l'index…"):
            return load_engine(settings, settings.model_dump_json())
    except KbError as exc:
        if settings.debug:
            raise
        st.error(f"L'assistant ne peut pas démarrer : {exc}")
        st.stop()


# -- actions -----------------------------------------------------------------------------------------

def ask(question: str) -> None:
    """Queue a question (suggestion buttons); the next run answers it."""
    st.session_state["pending"] = question


def add_to_dossier(index: int) -> None:
    answer = st.session_state["history"][index].answer
    if answer is not None and all(a is not answer for a in st.session_state["dossier"]):
        st.session_state["dossier"].append(answer)


def clear_dossier() -> None:
    st.session_state["dossier"] = []


def answer_turn(engine: Engine, redacted: Redaction, llm: str | None) -> Turn:
    """Only the redacted question goes on: the raw one is neither stored, shown, logged nor passed on."""
    turn = Turn(redacted.text, redacted.kinds)
    started = time.perf_counter()
    try:
        turn.answer = engine.answer(redacted.text, llm=llm)
    except KbError as exc:
        if engine.settings.debug:
            raise
        turn.error = str(exc)
    turn.seconds = time.perf_counter() - started
    return turn


# -- Markdown helpers --------------------------------------------------------------------------------

def md(text: str) -> str:
    """Corpus text made inert for Streamlit Markdown (which also reads $…$ as LaTeX); web addresses
    become autolinks, whose content Markdown takes literally (no stray backslashes in them)."""
    out, last = [], 0
    for match in _URL.finditer(text):
        out += [_inert(text[last:match.start()]), f"<{match[0]}>"]
        last = match.end()
    out.append(_inert(text[last:]))
    return "".join(out).strip()


def _inert(text: str) -> str:
    return _keep_edges(text, escape(text).replace("$", "\\$"))


def md_piece(text: str) -> str:
    """Like `md`, keeping one space at the edges so that adjacent pieces do not glue together."""
    return _keep_edges(text, md(text))


def _keep_edges(text: str, body: str) -> str:
    if not body:
        return " " if text else ""
    return (" " if text[0].isspace() else "") + body + (" " if text[-1].isspace() else "")


def statement(s: Statement) -> str:
    return f"{md(s.text)} " + "".join(f"\\[{n}\\]" for n in s.numbers)


def context_line(line: Line) -> str:
    """A context line in Markdown: the quoted part highlighted, the source's own markup kept in spirit."""
    parts = []
    for piece in line.pieces:
        text = md_piece(piece.text)
        if piece.quoted and text.strip():
            lead, core, trail = text[: len(text) - len(text.lstrip())], text.strip(), text[len(text.rstrip()):]
            text = f"{lead}:orange-background[{core}]{trail}"
        parts.append(text)
    body = _inert_start("".join(parts).strip())
    return {"heading": f"**{body}**", "bullet": f"- {body}", "quote": f"*{body}*",
            "gap": f"*{body}*"}.get(line.kind, body)


def _inert_start(body: str) -> str:
    """« 1. Toute personne… » or « - » at a line start must stay text, not become a list."""
    match = re.match(r"(\d+)([.)])|([-+=])", body)
    if not match:
        return body
    if match.group(3):
        return "\\" + body
    return match.group(1) + "\\" + body[match.end(1):]


def safe_url(url: str) -> str | None:
    """Only plain web links from the corpus become links (http(s), a host, no character that could end the
    Markdown link); anything else is shown without a link."""
    url = plain_web_url(url)
    return url if url and not any(ch in url for ch in "()'") else None


# -- rendering ---------------------------------------------------------------------------------------

def show_sidebar(settings: Settings, engine: Engine) -> tuple[str | None, list[str]]:
    """Corpus status, answer mode, actor filter and the DPO dossier; returns (llm, actors)."""
    info = kb.index_info(engine)
    st.header("Corpus")
    st.markdown(f"**{info.documents} documents** indexés, {info.chunks} passages  \n"
                f"Dernière indexation : {md(info.created_at)}")
    rows = load_sources(settings, info.build_id)
    partial_texts = sum(r["status"] == "partial" for r in rows)
    facts_only = sum(r["status"] == "facts-only" for r in rows)
    st.caption(f"⚠️ {labels.PARTIAL} : {partial_texts} · "
               f"ℹ️ {labels.SOURCE_STATUS['facts-only']} (texte officiel non livré) : {facts_only}")
    checked = kb.last_check(rows)
    if checked and checked.stale:
        st.warning(f"Textes officiels vérifiés au {checked.date.isoformat()}, il y a {checked.days} jours : ils ont pu "
                   "changer depuis. Mettre à jour avec « kb sync » (voir le README) ou vérifier sur Légifrance.")
    elif checked:
        st.caption(f"Textes officiels vérifiés au {checked.date.isoformat()}.")
    with st.expander("Sources du corpus"):  # a Markdown table: a data grid would load pandas on the first page
        lines = ["| Document | Statut | Version |", "|---|---|---|"]
        for r in rows:
            url = safe_url(r["url"])
            name = f"[{md(r['doc_id'])}]({url})" if url else md(r["doc_id"])
            lines.append(f"| {name} | {STATUS_MARKS.get(r['status'], '')}{md(r['status_label'])} | "
                         f"{md(r['version'])} |")
        st.markdown("\n".join(lines))

    st.header("Mode de réponse")
    options = [EXTRACTIVE] + ([f"Modèle de langage : {settings.llm}"] if settings.llm else [])
    mode = st.radio("Mode de réponse", options, label_visibility="collapsed")
    llm = "" if mode == EXTRACTIVE else None  # None: the configured model

    st.header("Filtre")
    actors = st.multiselect("Acteurs affichés dans le tableau", list(ACTORS), default=list(ACTORS),
                            format_func=ACTOR_LABELS.get)

    show_dossier_panel(engine)
    return llm, actors


def show_dossier_panel(engine: Engine) -> None:
    st.header("Dossier DPO")
    dossier: list[Answer] = st.session_state["dossier"]
    st.markdown(f"{len(dossier)} réponse(s) ajoutée(s)")
    organisation = st.text_input(labels.ORGANISATION, key="organisation")
    author = st.text_input(labels.AUTHOR, key="author")
    if not dossier:
        st.caption("Ajoutez des réponses avec « Ajouter au dossier ».")
        return
    meta = DossierMeta.from_index(kb.index_info(engine), organisation=organisation, author=author)
    answers, documents = list(dossier), kb.documents(engine)
    for fmt, label in DOWNLOADS:
        exporter = exporter_for(fmt)
        # Markdown is cheap and built now; Word and PDF only when their button is clicked.
        data = (export_dossier(answers, fmt, meta, documents) if fmt == "md"
                else partial(export_dossier, answers, fmt, meta, documents))
        st.download_button(label, data, file_name=f"dossier-dpo-{date.today().isoformat()}{exporter.extension}",
                           mime=exporter.media_type, key=f"download-{fmt}", on_click="ignore",
                           icon=":material/download:")
    st.button("Vider le dossier", on_click=clear_dossier, key="clear-dossier")


def show_starters() -> None:
    st.markdown("Exemples de questions :")
    for i, question in enumerate(STARTERS):
        st.button(question, key=f"starter-{i}", on_click=ask, args=(question,))


def show_turn(index: int, turn: Turn, engine: Engine, actors: list[str], full: bool) -> None:
    with st.chat_message("user"):
        st.markdown(md(turn.question))
    with st.chat_message("assistant"):
        show_answer(index, turn, engine, actors, full)


def show_answer(index: int, turn: Turn, engine: Engine, actors: list[str], full: bool = True) -> None:
    """The whole answer; an older one (`full` False) shows its brief, the rest behind a toggle."""
    if turn.removed:
        st.warning(f"Données personnelles détectées ({', '.join(turn.removed)}) : elles ont été retirées de la "
                   "question. Ne saisissez pas d'informations sur vos patients.")
    if turn.error:
        st.error(f"Pas de réponse : {md(turn.error)}")
        return
    answer = turn.answer
    AppAnswer(index, engine, actors, full).write(answer)
    if answer.refused:
        return
    left, right = st.columns([1, 3])
    with left:
        added = any(a is answer for a in st.session_state["dossier"])
        st.button("Ajouté au dossier ✓" if added else "Ajouter au dossier", key=f"add-{index}", disabled=added,
                  on_click=add_to_dossier, args=(index,))
    with right:
        mode = "sources uniquement" if answer.mode == "extractif" else md(answer.mode)
        st.caption(f"Réponse en {turn.seconds:.2f} s ({mode})".replace(".", ","))


class AppAnswer(AnswerWriter):
    """The shared walk over an answer (kb.render) drawn with Streamlit elements; the table, cited texts and
    decisions of an older answer stay folded behind a toggle."""

    def __init__(self, index: int, engine: Engine, actors: list[str], full: bool):
        self.index, self.engine, self.actors, self.full = index, engine, actors, full

    def details(self, answer):
        return self.full or st.toggle("Afficher la réponse complète (tableau, textes cités, décisions)",
                                      key=f"full-{self.index}")

    def notice(self, text):
        st.warning(md(text))

    def refusal(self, title, text, suggestions):
        st.info(f"**{title}.** {md(text)}")
        if suggestions:
            st.markdown(labels.SUGGESTIONS_INTRO)
            for i, question in enumerate(suggestions):
                st.button(question, key=f"suggestion-{self.index}-{i}", on_click=ask, args=(question,))

    def llm_text(self, title, text):
        st.markdown(f"#### {md(title)}\n\n" + md(text))

    def gap(self, text):
        st.info(md(text))

    def conclusion(self, title, statements):
        st.markdown(f"#### {md(title)}\n\n" + " ".join(statement(s) for s in statements))
        st.caption(labels.MAP_LABEL)

    def brief(self, title, statements):
        st.markdown(f"#### {md(title)}\n\n" + "\n".join(f"- {statement(s)}" for s in statements))

    def table(self, title, rows):
        show_table(title, rows, self.actors)

    def citations(self, title, citations):
        show_citations(self.index, title, citations, self.engine)

    def decisions(self, title, decisions):
        show_decisions(title, decisions)

    def disclaimer(self, text):
        st.caption(text)


def show_table(title: str, rows: list[ActorRow], actors: list[str]) -> None:
    rows = [row for row in rows if row.actor in actors]
    if not rows:
        st.markdown(f"#### {md(title)}")
        st.caption("Aucun acteur retenu par le filtre de la barre latérale.")
        return
    lines = [f"#### {md(title)}", "", "| " + " | ".join(labels.MATRIX_HEADINGS) + " |",
             "|" + "---|" * len(labels.MATRIX_HEADINGS)]
    for row in rows:
        cells = [(" ".join(f"• {statement(s)}" for s in items) if len(items) > 1 else
                  "".join(statement(s) for s in items)) or "—"
                 for items in row_cells(row)]
        lines.append(f"| **{row.label}** | " + " | ".join(cells) + " |")
    st.markdown("\n".join(lines))


@st.fragment
def show_citations(index: int, title: str, citations: list[Citation], engine: Engine) -> None:
    """One expander per cited text, drawn empty: a passage is built and sent only once its expander is
    opened, and opening one reruns this fragment alone. A long history thus stays quick to redraw."""
    st.markdown(f"#### {md(title)}")
    for c in citations:
        box = st.expander(f"[{c.n}] {md(c.locator)}", key=citation_key(index, c), on_change="rerun")
        if box.open:
            box.markdown("\n\n".join(part for part in (citation_badges(c), citation_passage(c, engine),
                                                         citation_source(c)) if part))


def citation_key(index: int, c: Citation) -> str:
    """Session-state key of a citation's expander (True when open)."""
    return f"citation-{index}-{c.n}"


def citation_badges(c: Citation) -> str:
    badges = []
    if c.kind == "fiche":
        badges.append(f":blue-badge[{labels.FICHE}]")
    if c.status == "partial":
        badges.append(f":orange-badge[{labels.PARTIAL}]")
    return " ".join(badges)


def citation_passage(c: Citation, engine: Engine) -> str:
    """The quote highlighted inside its surrounding paragraphs."""
    passage = kb.cited_passage(engine, c)
    if passage is None:  # answer from an index since replaced
        return f"« :orange-background[{md(c.quote)}] »"
    out = []
    for i, line in enumerate(passage.lines):
        text = context_line(line)
        if i == 0 and passage.cut_before:
            text = "… " + text
        if i == len(passage.lines) - 1 and passage.cut_after:
            text += " …"
        if i:  # consecutive bullets stay one list; every other line is its own paragraph
            out.append("\n" if line.kind == "bullet" and passage.lines[i - 1].kind == "bullet" else "\n\n")
        out.append(text)
    return "".join(out)


def citation_source(c: Citation) -> str:
    where = f":gray[{md(c.locator)}{labels.VERSION_OF_SOURCE}{md(c.version) or labels.NOT_GIVEN}]"
    url = safe_url(c.url)
    if not url:
        return where
    label = "Texte officiel" if c.kind != "fiche" else "Source officielle"
    return f"{where}  \n:material/open_in_new: [{label}]({url})"


def show_decisions(title: str, decisions: list[Decision]) -> None:
    """The decisions as a table; the heading names the judge only when one of them is a court's."""
    judge = any(not d.authority.upper().startswith("CNIL") for d in decisions)
    lines = [f"#### {md(title if judge else labels.DECISIONS_CNIL)}", "",
             "| Date | Décision | Qui | Amende | Ce qui a été retenu |", "|---|---|---|---|---|"]
    for d in decisions:
        url = safe_url(d.url)
        ref = f"{md(d.authority)}, {f'[{md(d.reference)}]({url})' if url else md(d.reference)}"
        lines.append(f"| {md(d.date)} | {ref} | {md(d.sanctioned)} | {md(format_amount(d))} | {md(d.held)} |")
    st.markdown("\n".join(lines))


# -- page --------------------------------------------------------------------------------------------

def main() -> None:
    st.set_page_config(page_title=TITLE, page_icon="⚖️", layout="wide")
    try:
        settings = Settings()
    except KbError as exc:  # a bad KB_* value: one French line, not a trace
        if debug_requested():
            raise
        st.error(f"L'assistant ne peut pas démarrer : {exc}")
        st.stop()
    engine = get_engine(settings)
    st.session_state.setdefault("history", [])
    st.session_state.setdefault("dossier", [])
    with st.sidebar:
        llm, actors = show_sidebar(settings, engine)

    st.title(TITLE)
    st.caption("Médecin libéral, éditeur de logiciel, hébergeur HDS : qui est responsable, qui doit faire quoi. "
               "Réponses tirées des textes (RGPD, Code de la santé publique, Code pénal, CNIL), "
               "citations à l'appui.")
    prompt = st.chat_input("Votre question (sans données de patient)…")
    pending = st.session_state.pop("pending", None)
    question = prompt or pending
    history: list[Turn] = st.session_state["history"]
    # Only the latest answers are redrawn in full on each run: a long conversation stays quick to answer.
    first_full = len(history) + bool(question) - FULL_TURNS
    for index, turn in enumerate(history):
        show_turn(index, turn, engine, actors, full=index >= first_full)
    if question:
        # The redacted question shows at once; the answer follows under a spinner.
        redacted = kb.redact(question)
        with st.chat_message("user"):
            st.markdown(md(redacted.text))
        with st.chat_message("assistant"):
            with st.spinner("Recherche dans les textes…"):
                turn = answer_turn(engine, redacted, llm)
            history.append(turn)
            show_answer(len(history) - 1, turn, engine, actors)
    elif not history:
        show_starters()


if __name__ == "__main__":  # streamlit runs the script as __main__; tests import the helpers
    main()
