"""Answer → Markdown (`kb ask`, the app's download): only plain web addresses become links, an address can
never break out of its autolink into raw HTML, and control characters never reach the reader's terminal."""

from __future__ import annotations

import re

import pytest

from kb.render import answer_markdown, escape
from kb.types import Answer, Citation, Decision, Statement

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
