"""Legal references and actors: the way a doctor writes an article number must reach the same document (and
one lexical token), numbers that are not references stay plain, and a doctor's words name the actors."""

from __future__ import annotations

import pytest

from kb.legalrefs import (CNIL_PREFIX, CSP_PREFIX, DOC_ID_PATTERN, PENAL_PREFIX, actors_asked, actors_bound,
                          asks_sanctions, family_of, find_references, outside_texts, ref_token)
from kb.text import tokenize


@pytest.mark.parametrize(
    ("written", "doc_id"),
    [
        ("L. 1111-8", "csp-L1111-8"),
        ("L1111-8", "csp-L1111-8"),
        ("article L 1111-8", "csp-L1111-8"),
        ("l'article L.1111-8 du code de la santé publique", "csp-L1111-8"),
        ("R. 1111-8-8", "csp-R1111-8-8"),
        ("art. 28 RGPD", "rgpd-art-28"),
        ("article 28 du RGPD", "rgpd-art-28"),
        ("RGPD, art. 32", "rgpd-art-32"),
        ("GDPR article 82", "rgpd-art-82"),
        ("SAN-2020-015", "cnil-SAN-2020-015"),
        ("SAN 2020 015", "cnil-SAN-2020-015"),
        ("san-2022-009", "cnil-SAN-2022-009"),
        ("délibération n° 2020-081", "cnil-referentiel-cabinets-2020-081"),
        ("article 226-17 du code pénal", "cp-226-17"),
        ("CE, 22 juillet 2022, n° 449694", "ce-2022-07-22-449694"),
    ],
)
def test_a_reference_written_any_usual_way_maps_to_its_document_and_one_token(written, doc_id):
    refs = find_references(f"Que prévoit {written} ?")
    assert [r.doc_id for r in refs] == [doc_id]
    tokens = tokenize(f"Que prévoit {written} ?")
    assert tokens.count(ref_token(doc_id)) == 1
    # the pieces of the reference do not leak as loose tokens (« 1111 », « 8 », « 2020 »…)
    number = doc_id.rsplit("-", 1)[-1]
    assert number not in tokens


@pytest.mark.parametrize("text", ["72 heures", "dans un délai de 72 heures", "règlement (UE) 2016/679",
                                  "2016/679", "le 25 mai 2018", "une amende de 20 000 000 EUR"])
def test_durations_regulation_numbers_and_amounts_are_not_references(text):
    assert find_references(text) == []


def test_a_bare_article_is_taken_as_gdpr_only_when_asked():
    assert find_references("que dit l'article 33 ?") == []
    assert [r.doc_id for r in find_references("que dit l'article 33 ?", bare_articles_are_gdpr=True)] == ["rgpd-art-33"]


def test_an_article_of_another_text_is_not_the_gdpr_and_the_text_is_named_as_written():
    question = "L'article 9 de la loi Informatique et Libertés et le décret n° 2026-209 s'appliquent-ils ?"
    assert find_references(question, bare_articles_are_gdpr=True) == []
    assert outside_texts(question) == ["loi Informatique et Libertés", "décret n° 2026-209"]
    assert outside_texts("l'article 1240 du code civil, puis le code pénal et l'article 32 du RGPD") == ["code civil"]


def test_several_references_come_out_leftmost_first():
    refs = find_references("L1111-8, l'article 28 du RGPD et la sanction SAN-2020-014")
    assert [r.doc_id for r in refs] == ["csp-L1111-8", "rgpd-art-28", "cnil-SAN-2020-014"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("En tant que médecin, que dois-je vérifier ?", {"medecin"}),
        ("Mon cabinet doit-il tenir un registre ?", {"medecin"}),
        ("Le praticien libéral doit-il notifier la CNIL ?", {"medecin"}),
        ("Suis-je responsable si mon logiciel est piraté ?", {"medecin", "editeur"}),
        ("Mon éditeur de logiciel doit-il être certifié HDS ?", {"editeur", "hebergeur"}),
        ("Qui est responsable : moi, l'éditeur ou l'hébergeur ?", {"medecin", "editeur", "hebergeur"}),
        ("Mes sauvegardes dans le cloud sont-elles légales ?", {"hebergeur"}),
        ("Que risque un prestataire qui héberge des données de santé ?", {"hebergeur"}),  # « prestataire »: anyone
        ("Le prestataire qui fait mes sauvegardes doit-il être certifié ?", {"hebergeur"}),
        ("As a doctor, am I liable if my software vendor is hacked?", {"medecin", "editeur"}),
        ("Quelle est la posologie du paracétamol ?", set()),
        # the asker speaking for the practice is the doctor too
        ("Côté analyse d'impact, c'est à nous ou à l'éditeur de s'en charger ?", {"medecin", "editeur"}),
        ("Does our vendor have to tell us about a breach?", {"medecin", "editeur"}),
        ("Après le piratage du logiciel, on devrait prévenir 9 000 patients : comment ?", {"medecin", "editeur"}),
        ("Peut-on sanctionner un éditeur ?", {"editeur"}),  # « peut-on » asks of anyone
        ("Pourquoi la CNIL a-t-elle sanctionné Cegedim Santé ?", {"editeur"}),  # a vendor the CNIL sanctioned
        ("Que doit prévoir le contrat du prestataire qui stocke les dossiers ?", {"hebergeur"}),  # storing is hosting
        ("Le prestataire de coffre-fort numérique refuse un contrat : il dit se contenter de stocker les fichiers.",
         {"hebergeur"}),
        ("Au pénal, qu'est-ce que ce confrère risque ?", {"medecin"}),  # a colleague is a doctor too
        # whose fault, asked in the first person, concerns the doctor asking
        ("Si mon éditeur se fait pirater, c'est ma faute ?", {"medecin", "editeur"}),
        ("If my host is hacked, is it my fault?", {"medecin", "hebergeur"}),
        ("Est-ce à mon hébergeur de faire l'analyse d'impact à ma place ?", {"medecin", "hebergeur"}),
        # an appointment platform is practice software
        ("La plateforme de rendez-vous écrit à mes patients : qui en répond ?", {"medecin", "editeur"}),
        # the software one works in is no actor; the software that acts, or its vendor named beside it, is
        ("Mon assistant a-t-il le droit d'ouvrir dans le logiciel les dossiers de mes patients ?", {"medecin"}),
        ("Can my locum read the records on our software from home?", {"medecin"}),
        ("Mon logiciel a eu une fuite : ai-je le droit de continuer à l'utiliser ?", {"medecin", "editeur"}),
        ("L'éditeur voit-il ce que je saisis dans le logiciel ?", {"medecin", "editeur"}),
    ],
)
def test_actors_asked_in_a_doctors_words(question, expected):
    assert set(actors_asked(question)) == expected


def test_actors_bound_reads_legal_roles():
    assert actors_bound("le responsable du traitement notifie la violation") == ("medecin",)
    assert set(actors_bound("le sous-traitant aide le responsable du traitement")) == {"medecin", "editeur", "hebergeur"}
    assert actors_bound("La Commission peut établir des clauses.") == ()


def test_every_reference_found_is_a_corpus_document_id():
    import re

    refs = find_references("L1111-8, art. 28 RGPD, SAN-2020-014, 226-13 du code pénal, délibération 2020-081")
    assert refs and all(re.fullmatch(DOC_ID_PATTERN, r.doc_id) for r in refs)


@pytest.mark.parametrize(("doc_id", "family"), [
    ("csp-L1111-8", CSP_PREFIX), ("cp-226-13", PENAL_PREFIX), ("cnil-SAN-2020-015", CNIL_PREFIX),
    ("fiche-csp-L1111-8", ""),  # a fiche is not of its text's family
    ("cspx-1", ""), ("csp", ""),
])
def test_family_of_names_the_prefix_of_an_id_family(doc_id, family):
    assert family_of(doc_id) == family


@pytest.mark.parametrize("question, asked", [
    ("Combien la CNIL a-t-elle infligé à Cegedim ?", True),
    ("Que risque mon éditeur s'il ne me prévient pas ?", True),
    ("Mon éditeur doit-il me prévenir d'une faille ?", False),
    ("Un médecin qui se fait épingler par la CNIL, ça va chercher dans les combien ?", True),
    ("Si j'ai été négligent, je peux finir derrière les barreaux ?", True),
    ("Après une fuite due à ma négligence, un patient peut-il porter plainte contre moi au pénal ?", True),
    ("Mon hébergeur peut-il être poursuivi ?", True),
    ("Combien de temps dois-je garder les dossiers ?", False),
    ("Un patient a porté plainte à la CNIL contre moi. Qu'est-ce qui peut m'arriver ?", True),
    ("A patient complained to the CNIL: what could happen to us?", True),
    ("Que va-t-il arriver à mes données si l'éditeur ferme ?", False),
    ("Qu'a décidé le Conseil d'État le 22 juillet 2022 ?", True),
    ("Mon éditeur a décidé de changer d'hébergeur : doit-il me prévenir ?", False),
    ("What does my host risk if it stores health data without a certificate?", True),
    ("Is there a high risk to my patients after this breach?", False),
    ("Two French doctors got fined by the CNIL in 2020: what did they do wrong?", True),
    ("Is it fine to email results to my patients?", False),
])
def test_a_question_on_what_one_risks_or_what_was_inflicted_asks_sanctions(question, asked):
    assert asks_sanctions(question) is asked


@pytest.mark.parametrize("question, recalled", [
    ("Un éditeur peut-il être sanctionné, comme Dedalus ?", ("cnil-SAN-2022-009",)),
    ("Ça me rappelle l'histoire Cegedim.", ("cnil-SAN-2024-013",)),
    ("J'ai lu que le Conseil d'État avait dispensé un médecin de notifier.", ("ce-2022-07-22-449694",)),
    ("Did the Council of State overturn the fine?", ("ce-2022-07-22-449694",)),
    ("Mon éditeur a-t-il été sanctionné ?", ()),
])
def test_decisions_recalled_by_party_are_not_references_to_answer_from(question, recalled):
    from kb.legalrefs import decisions_by_party

    assert decisions_by_party(question) == recalled
    assert not {r.doc_id for r in find_references(question)} & set(recalled)


def test_the_current_l1110_4_1_is_unmeant_only_when_the_number_is_read_as_the_repealed_article():
    from kb.legalrefs import unmeant_texts

    def unmeant(question: str) -> frozenset[str]:
        return unmeant_texts([r.doc_id for r in find_references(question)])

    assert unmeant("L'article L1110-4-1 impose-t-il des référentiels de sécurité aux logiciels ?") == {
        f"{CSP_PREFIX}L1110-4-1"}
    assert unmeant("Que dit l'article L1110-4-1 sur la permanence des soins ?") == frozenset()
