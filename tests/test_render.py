"""Answer → Markdown (`kb ask`, the app's download): only plain web addresses become links, an address can
never break out of its autolink into raw HTML, and control characters never reach the reader's terminal."""

from __future__ import annotations

import ast
import dataclasses
import re

import pytest

from kb import labels
from kb.render import AnswerWriter, answer_markdown, escape
from kb.types import ActorRow, Answer, Citation, Decision, Statement

GOOD = "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000049577902"
HOSTILE = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "file:///etc/passwd",
    "\\\\serveur\\partage\\contrat.pdf",
    "data:text/html,<script>alert(1)</script>",
    'https://exemple.fr/"><script>alert(1)</script>',
    "https://exemple.fr/x> <img src=x onerror=alert(1)>",
    "https://exemple.fr/a b",
    "https://exemple.fr/\nSource : <javascript:alert(1)>",
    "https:///chemin-sans-hote",
    "",
]


def answer_citing(url: str, **extra) -> Answer:
    quote = "L’hébergeur est titulaire d’un certificat de conformité."
    c = Citation(1, "csp-L1111-8#2", "csp-L1111-8", "CSP, art. L1111-8", "CSP, art. L1111-8, II", quote, url,
                 "2024-05-23", "complete", "official", 0, len(quote), **extra)
    d = Decision("CNIL", "SAN-2020-014", "2020-12-07", "un médecin", "medecin", 3000, ("art. 32",),
                 "données non protégées", "fiche-cnil-SAN-2020-014", url)
    return Answer(question="Mon hébergeur doit-il être certifié ?", refused=False, brief=[Statement(quote, 1)],
                  citations=[c], decisions=[d])


def test_only_plain_web_addresses_are_safe():
    from kb.render import safe_url

    assert safe_url(GOOD) == GOOD
    assert safe_url("http://exemple.fr/page?x=1&y=2#ancre") == "http://exemple.fr/page?x=1&y=2#ancre"
    for url in HOSTILE:
        assert safe_url(url) is None, url


@pytest.mark.parametrize("url", [u for u in HOSTILE if u])
def test_a_hostile_source_address_is_never_a_link_nor_raw_html_in_kb_ask_markdown(url):
    md = answer_markdown(answer_citing(url, verified_on="2025-01-01"))
    assert "<script" not in md and "<img" not in md
    assert "javascript:" not in md.lower() and "file:" not in md and "\\\\serveur" not in md
    autolinks = re.findall(r"<([^<>]*)>", md)
    assert all(re.fullmatch(r"https?://[^\s<>\"]+", link) for link in autolinks), autolinks
    assert "Source : adresse non valide" in md
    assert md.count("Source :") == 1  # a newline in the address cannot forge a second source line


def test_a_plain_source_address_stays_a_clickable_autolink():
    md = answer_markdown(answer_citing(GOOD))
    assert f"Source : <{GOOD}>" in md


def test_control_characters_never_reach_the_markdown():
    assert escape("a\x1b[31mb\x00c\x07d\x7fe\x9bf") == "a\\[31mbcdef"
    quote = "Texte\x1b]0;titre\x07 officiel\x00."
    c = Citation(1, "x#1", "x", "Titre\x08", "Loc\x1b", quote, GOOD, "v\x01", "complete", "official", 0, len(quote))
    md = answer_markdown(Answer(question="q", refused=False, citations=[c], notices=["attention\x1b[2J"]))
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", md), repr(md)


# -- one walk, one set of words ---------------------------------------------------------------------

def full_answer() -> Answer:
    a = answer_citing(GOOD)
    row = ActorRow("hebergeur", obligations=[Statement(a.citations[0].quote, 1)])
    return dataclasses.replace(a, notices=["attention"], gap="rien sur ce point", llm_text="texte du modèle",
                               mode="ollama:m", conclusion=[Statement("Synthèse.", 1, map_id="m")], actors=[row])


HEADINGS = [labels.llm_heading("ollama:m"), labels.CONCLUSION, labels.BRIEF, labels.TABLE, labels.CITED_TEXTS,
            labels.DECISIONS]


def test_markdown_and_every_dossier_format_follow_the_one_walk():
    """`kb ask` and the dossier draw the same parts in the same order under the same headings."""
    from kb.export import export_dossier

    def order(text: str) -> list[int]:
        return [text.index(f"# {h}\n") for h in HEADINGS]

    md = answer_markdown(full_answer())
    assert order(md) == sorted(order(md))
    assert md.index("attention") < md.index(labels.CONCLUSION) < md.index(labels.DISCLAIMER)
    dossier = export_dossier([full_answer()], "md").decode()
    assert order(dossier) == sorted(order(dossier))
    assert labels.MAP_LABEL in md and labels.MAP_LABEL in dossier
    assert "| " + " | ".join(labels.MATRIX_HEADINGS) + " |" in md and "| Acteur |" in dossier


def test_a_writer_that_folds_the_details_skips_them_but_keeps_the_order():
    parts = []

    class Recorder(AnswerWriter):
        def details(self, answer):
            return False

        def __getattribute__(self, name):
            if name in {"write", "details"}:
                return object.__getattribute__(self, name)
            return lambda *args: parts.append(name)

    Recorder.__abstractmethods__ = frozenset()
    Recorder().write(full_answer())
    assert parts == ["notice", "llm_text", "gap", "conclusion", "brief", "disclaimer"]


def string_literals(path) -> list[str]:
    """Every string a file's code writes (the parts of f-strings included), docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_each_french_heading_is_written_once_in_the_code():
    """The renderers take their headings and the dossier's labels from kb/labels.py; none spells one out again."""
    from kb.config import ROOT

    words = [labels.TABLE, labels.BRIEF, labels.CITED_TEXTS, labels.DECISIONS_CNIL, labels.OUT_OF_SCOPE,
             labels.SUGGESTIONS_INTRO, labels.ANNEX, "citations vérifiées", labels.MATRIX_HEADINGS[-1], "| Acteur |",
             labels.DOSSIER_TITLE, labels.NO_CITED_DOCUMENT, labels.CORPUS_FINGERPRINT, labels.INDEX_BUILT,
             labels.APP_VERSION, "Document :", "Source :", "version :", "Adresse :", "Licence :", "février"]
    files = [ROOT / "app.py", ROOT / "kb" / "cli.py", ROOT / "kb" / "render.py", ROOT / "kb" / "sources.py",
             *sorted((ROOT / "kb" / "export").glob("*.py"))]
    for path in files:
        literals = string_literals(path)
        assert not [w for w in words if any(w in text for text in literals)], path


def test_a_heading_spelled_out_again_would_be_seen(tmp_path):
    edge = tmp_path / "edge.py"
    edge.write_text('"""Empreinte du corpus : a docstring may say it."""\nx = f"Empreinte du corpus : {y}"\n',
                    encoding="utf-8")
    assert string_literals(edge) == ["Empreinte du corpus : "]


def test_a_court_ruling_is_not_said_to_be_without_a_fine_a_cnil_decision_without_one_is():
    from kb.render import decision_line

    ruling = Decision("Conseil d'État", "n° 449694", "2022-07-22", "un médecin", "medecin", None, (),
                      "Le Conseil d'État a confirmé le manquement à la sécurité.", "fiche-ce-2022-07-22-449694", GOOD)
    assert "amende" not in decision_line(ruling)
    assert decision_line(ruling).endswith("un médecin. Le Conseil d'État a confirmé le manquement à la sécurité.")
    warning = dataclasses.replace(ruling, authority="CNIL, formation restreinte", reference="SAN-0000-000")
    assert "sans amende" in decision_line(warning)
    fined = dataclasses.replace(warning, amount_eur=3000)
    assert "3\u202f000 €" in decision_line(fined)
