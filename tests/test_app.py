"""The Streamlit app driven headless through AppTest, against the session's real index; plus its Markdown
helpers (passage in context, autolinks, escaping)."""

from __future__ import annotations

import importlib.util
import re
import sys
import tomllib

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from kb.config import ROOT
from kb.context import Line, Piece
from kb.scope import SUGGESTIONS

pytestmark = pytest.mark.slow

QUESTION = "Qui est responsable en cas de fuite de données : moi, l'éditeur ou l'hébergeur ?"
REFUSED = "Quelle est la posologie du paracétamol ?"
NIR = "1 85 05 78 006 084 36"
PII_QUESTION = f"Mon patient M. Dupont (NIR {NIR}) a vu son dossier fuiter : qui est responsable ?"
LOCATOR = re.compile(r"^\[\d+\] (RGPD|CSP|CP), art\. ")


# -- app.py Markdown helpers ------------------------------------------------------------------------

def _app_module():
    spec = importlib.util.spec_from_file_location("kb_app_under_test", ROOT / "app.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)  # main() only runs as __main__
    return module


app_module = _app_module()


def test_corpus_text_cannot_inject_markdown_html_or_latex():
    shown = app_module.md("<img src=x onerror=alert(1)> **gras** [lien](javascript:alert(1)) $x$ # titre")
    for special in "<>*[]$#":
        assert not re.search(rf"(?<!\\){re.escape(special)}", shown), (special, shown)


def test_web_addresses_become_autolinks_without_backslashes():
    shown = app_module.md("voir https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000049577902.")
    assert shown == "voir <https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000049577902>."
    assert app_module.md("javascript:alert(1)") == "javascript:alert(1)"


def test_highlight_wraps_escaped_quote_and_keeps_spaces():
    line = Line("text", (Piece("avant ", False), Piece("[x] *y* 5 $", True), Piece(" après", False)))
    assert app_module.context_line(line) == "avant :orange-background[\\[x\\] \\*y\\* 5 \\$] après"


def test_numbered_paragraph_stays_a_paragraph_and_headings_lose_their_hashes():
    assert app_module.context_line(Line("text", (Piece("1. Toute personne", False),))) == "1\\. Toute personne"
    assert app_module.context_line(Line("text", (Piece("a) point", False),))) == "a) point"
    assert app_module.context_line(Line("heading", (Piece("Article 28", False),))) == "**Article 28**"


# -- the app -----------------------------------------------------------------------------------------

@pytest.fixture
def app(kb_settings, monkeypatch) -> AppTest:
    monkeypatch.setenv("KB_DATA_DIR", str(kb_settings.data_dir))
    monkeypatch.setenv("KB_CACHE", str(kb_settings.cache_dir))
    monkeypatch.delenv("KB_LLM", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def open_citations(at: AppTest, turn: int = 0) -> AppTest:
    """Open every cited text of a turn, as clicks on their expanders would."""
    for c in at.session_state["history"][turn].answer.citations:
        at.session_state[app_module.citation_key(turn, c)] = True
    at.run()
    assert not at.exception, at.exception
    return at


def test_first_start_builds_the_missing_index(tmp_path, kb_settings, monkeypatch):
    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path / "fresh"))
    monkeypatch.setenv("KB_CACHE", str(kb_settings.cache_dir))  # warm embeddings: seconds, not minutes
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception, at.exception
    assert (tmp_path / "fresh" / "index" / "CURRENT").exists()
    assert any("documents** indexés" in m.value for m in at.sidebar.markdown)


def test_app_starts_with_suggested_questions_and_corpus_status(app):
    labels = [b.label for b in app.button]
    assert len([label for label in labels if "HDS" in label]) >= 3
    assert any("72 heures" in label for label in labels)
    assert any("2020" in label for label in labels)
    assert any("documents** indexés" in m.value for m in app.sidebar.markdown)
    assert [r.options for r in app.sidebar.radio] == [["Sources uniquement (sans IA)"]]
    # the shipped texts were checked on 2023-12-06, long over 90 days ago: the sidebar says to sync
    assert any("vérifiés au 2023-12-06" in w.value and "kb sync" in w.value for w in app.sidebar.warning)


def test_answer_shows_brief_table_citations_in_context_and_disclaimer(app):
    ask(app, QUESTION)
    body = markdown_text(app)
    assert "#### Réponse" in body and "#### Qui fait quoi ?" in body
    assert "| Acteur | Obligations | Responsabilité | Sanctions encourues |" in body
    assert "**Médecin**" in body and "**Éditeur**" in body and "**Hébergeur**" in body
    locators = [e.label for e in app.expander if LOCATOR.match(e.label)]
    assert locators, [e.label for e in app.expander]
    assert ":orange-background[" not in body  # passages are sent only once their expander opens
    open_citations(app)
    body = markdown_text(app)
    assert ":orange-background[" in body  # the quote highlighted in its paragraph
    assert body.count(":orange-background[") >= len(locators)
    assert any("texte partiel" in m.value for m in app.markdown)  # badge of a partial text
    assert any("fiche de synthèse" in m.value for m in app.markdown)
    assert any("pas un conseil juridique" in c.value for c in app.caption)
    assert all(not m.proto.allow_html for m in app.markdown)


def test_actor_filter_hides_rows_of_the_table(app):
    app.sidebar.multiselect[0].set_value(["hebergeur"]).run()
    ask(app, QUESTION)
    table = next(m.value for m in app.markdown if "| Acteur |" in m.value)
    assert "**Hébergeur**" in table and "**Médecin**" not in table


def test_older_answers_keep_their_brief_and_show_the_rest_on_demand(app):
    questions = [QUESTION, "Mon éditeur de logiciel doit-il être certifié HDS ?",
                 "Dans quel délai dois-je notifier une violation de données à la CNIL ?",
                 "Que risque un hébergeur qui n'est pas certifié HDS ?"]
    assert len(questions) == app_module.FULL_TURNS + 1
    for question in questions:
        ask(app, question)
    tables = lambda: sum("| Acteur |" in m.value for m in app.markdown)
    assert sum("#### Réponse" in m.value for m in app.markdown) == len(questions)  # every conclusion stays
    assert sum("pas un conseil juridique" in c.value for c in app.caption) == len(questions)
    assert tables() == app_module.FULL_TURNS  # the oldest answer is folded
    assert [t.key for t in app.toggle] == ["full-0"]
    app.toggle(key="full-0").set_value(True).run()
    assert tables() == len(questions)


def test_out_of_scope_question_is_refused_with_suggestions(app):
    ask(app, REFUSED)
    assert any("hors du champ" in i.value and "question médicale" in i.value for i in app.info)
    labels = [b.label for b in app.button]
    assert all(s in labels for s in SUGGESTIONS)
    assert not [e for e in app.expander if LOCATOR.match(e.label)]


def test_clicking_a_suggestion_asks_it(app):
    ask(app, REFUSED)
    button = next(b for b in app.button if b.label == SUGGESTIONS[1])
    button.click().run()
    assert not app.exception
    history = app.session_state["history"]
    assert [t.question for t in history] == [REFUSED, SUGGESTIONS[1]]
    assert not history[-1].answer.refused
    assert any(LOCATOR.match(e.label) for e in app.expander)


def test_personal_data_is_redacted_before_it_is_kept_or_shown(app):
    ask(app, PII_QUESTION)
    assert any("Données personnelles détectées" in w.value and "Ne saisissez pas" in w.value for w in app.warning)
    turn = app.session_state["history"][0]
    for kept in (turn.question, turn.answer.question, markdown_text(app)):
        assert "Dupont" not in kept
        assert NIR not in kept and NIR.replace(" ", "") not in kept
    assert "[NIR]" in turn.question and "[nom]" in turn.question


def test_dossier_downloads_hold_the_added_answer(app, monkeypatch):
    downloads: dict[str, bytes] = {}
    original = MediaFileManager.add

    def capture(self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if is_for_static_download:
            downloads[file_name or ""] = path_or_data
        return original(self, path_or_data, mimetype, coordinates, file_name, is_for_static_download)

    deferred: dict[str, object] = {}
    original_deferred = MediaFileManager.add_deferred

    def capture_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        deferred[file_name or ""] = data_callable
        return original_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", capture)
    monkeypatch.setattr(MediaFileManager, "add_deferred", capture_deferred)
    ask(app, QUESTION)
    assert not app.download_button
    app.button(key="add-0").click().run()
    assert app.session_state["dossier"][0] is app.session_state["history"][0].answer
    assert any("1 réponse(s) ajoutée(s)" in m.value for m in app.sidebar.markdown)
    assert app.sidebar.download_button, "no download button once the dossier holds an answer"
    assert [b.label for b in app.sidebar.download_button] == ["Markdown", "Word (.docx)", "PDF"]
    markdown = next(data for name, data in downloads.items() if name.endswith(".md"))
    content = (markdown.decode() if isinstance(markdown, bytes) else markdown).replace("\\", "")
    quote = app.session_state["history"][0].answer.citations[0].quote
    assert " ".join(quote.split("\n\n")[0].split()) in content
    # Word and PDF are built only when clicked: build them here as the click would.
    docx = next(build for name, build in deferred.items() if name.endswith(".docx"))()
    pdf = next(build for name, build in deferred.items() if name.endswith(".pdf"))()
    assert docx[:2] == b"PK" and pdf[:5] == b"%PDF-"


def test_streamlit_config_keeps_everything_on_this_machine():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["headless"] is True
    assert config["server"]["fileWatcherType"] == "none"  # watching the tree slowed every answer
