"""Lexical tokens and sentences: every spelling of an article gives one token, a question gets the texts' terms for
the words doctors use, and abbreviations must not cut a quoted sentence (legal references and actors:
test_legalrefs.py)."""

from __future__ import annotations

import pytest

from kb.text import question_proper, sentence_spans, tokenize


def test_spellings_of_one_article_give_the_same_token():
    spellings = ["L. 1111-8", "L1111-8", "article L 1111-8", "L.1111-8"]
    assert {tuple(tokenize(s)) for s in spellings} == {("csp_l1111_8",)}


def test_72_heures_stays_plain_words_in_tokens():
    assert tokenize("notifier dans les 72 heures") == ["notifi", "72", "heur"]


def test_tokenize_stems_folds_accents_and_drops_stop_words():
    assert tokenize("Les hébergeurs") == tokenize("hebergeur")
    assert "le" not in tokenize("le sous-traitant de l'éditeur")
    assert tokenize("l'hébergeur") == tokenize("hébergeur")


def test_english_question_words_reach_french_terms():
    assert set(tokenize("data breach")) == set(tokenize("données violation"))
    assert set(tokenize("my vendor stores patient records and backups")) == set(
        tokenize("éditeur conserver patients dossiers sauvegarde"))


def test_sentence_spans_keep_article_and_number_abbreviations_inside_a_sentence():
    text = ("Selon l'art. 28 du RGPD, le sous-traitant agit sur instruction. La délibération n° 2020-081 "
            "adopte un référentiel. Voir aussi l'art. 32 et le n. 4 de la liste. L'hébergeur est certifié.")
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    assert sentences == [
        "Selon l'art. 28 du RGPD, le sous-traitant agit sur instruction.",
        "La délibération n° 2020-081 adopte un référentiel.",
        "Voir aussi l'art. 32 et le n. 4 de la liste.",
        "L'hébergeur est certifié.",
    ]


def test_sentence_spans_keep_code_article_prefixes():
    text = "L'article L. 1111-8 s'applique. Cf. R. 1111-9 pour les activités."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "L'article L. 1111-8 s'applique.", "Cf. R. 1111-9 pour les activités."]


def test_sentence_spans_are_trimmed_offsets_into_the_text():
    text = "  Première phrase.   Deuxième phrase !  "
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["Première phrase.", "Deuxième phrase !"]


def test_a_query_gets_the_texts_term_for_the_doctors_word_and_the_buyers_verb():
    assert tokenize("violation")[0] in tokenize("une fuite chez mon hébergeur", query=True)
    sale = tokenize("vendre les données", query=True)[0]
    assert sale in tokenize("une start-up veut racheter les données de ma patientèle", query=True)
    assert sale not in tokenize("une start-up veut racheter les données de ma patientèle")  # the passage side


def test_the_doctors_words_are_read_when_typed_without_accents():
    informed = tokenize("informer les patients")[0]
    assert informed in tokenize("dois-je prevenir mes patients", query=True)
    assert tokenize("violation")[0] in tokenize("mon serveur a ete pirate", query=True)
    assert tokenize("données exactes")[-1] not in tokenize("ce qu'il a precisement", query=True)


def test_the_question_proper_is_the_last_sentence_that_asks():
    proper = question_proper("depuis la fuite, elle ne dort plus. je lui prescris quoi ? merci.")
    assert proper == "je lui prescris quoi ?"
    assert question_proper("« un serveur au cabinet. c'est permis") == "c'est permis"


def test_a_questions_adverbs_say_nothing_of_its_topic():
    accuracy = tokenize("données exactes")[-1]
    assert accuracy not in tokenize("Son patron veut savoir ce qu'il a exactement.", query=True)
    assert accuracy in tokenize("Son patron veut savoir ce qu'il a exactement.")  # the passage side keeps it


def test_how_a_claim_is_framed_says_nothing_of_its_topic():
    # « c'est vrai ? », « a-t-il raison ? » are how a doctor asks to confirm, not what the claim is about
    framed = tokenize("Mon éditeur prétend que c'est moi seul le responsable. Il a raison, c'est vrai ?", query=True)
    assert tokenize("vrai raison prétend") and not set(tokenize("vrai raison prétend")) & set(framed)
    assert tokenize("responsable")[0] in framed
    assert tokenize("Is that true? Is he right?", query=True) == []


@pytest.mark.parametrize("question", ["Mon hébergeur est-il co-responsable du traitement ?",
                                      "Sommes-nous coresponsables du traitement ?"])
def test_a_query_saying_co_responsable_gets_the_gdprs_joint_controllers(question):
    assert tokenize("responsables conjoints")[1] in tokenize(question, query=True)
