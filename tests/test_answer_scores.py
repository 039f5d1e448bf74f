"""The answer metrics on hand-made answers: key points met (and where), misleading statements, the yes/no of
the first sentence, « not in the corpus » said, visible words."""

from __future__ import annotations

from kb.evaluation.answer_scores import (cites, forbidden_hits, key_points_met, says_not_in_corpus, stated_yes_no,
                                        useful_statements, visible_words, yes_no_correct)
from kb.evaluation.metrics import QuestionResult, aggregate
from kb.evaluation.questions import Forbidden, KeyPoint
from kb.types import ActorRow, Answer, Citation, Statement


def _citation(n: int, chunk_id: str) -> Citation:
    doc_id = chunk_id.split("#")[0]
    return Citation(n, chunk_id, doc_id, doc_id, "", "texte", "", "", "complete", "official", 0, 5)


def _answer(conclusion=(), brief=(), rows=None, refused=False, gap="") -> Answer:
    """Citations 1..4: art. 33 § 1, art. 33 § 2, art. 26 § 1, art. 28 § 3 a)."""
    citations = [_citation(1, "rgpd-art-33#1"), _citation(2, "rgpd-art-33#2"), _citation(3, "rgpd-art-26#1"),
                 _citation(4, "rgpd-art-28#3.a")]
    actors = [ActorRow(actor, obligations=[Statement(t, n) for t, n in items]) for actor, items in (rows or {}).items()]
    return Answer("q", refused, conclusion=[Statement(t, n) for t, n in conclusion],
                  brief=[Statement(t, n) for t, n in brief], actors=actors, citations=citations, gap=gap)


NOTIFY = KeyPoint("medecin", ("rgpd-art-33#1",), "notifie la CNIL sous 72 heures")
PROCESSOR_TELLS = KeyPoint("hebergeur", ("rgpd-art-33#2",), "le sous-traitant prévient le responsable")
JOINT = Forbidden("medecin", ("rgpd-art-26#1",), "responsabilité conjointe hors sujet")


def test_a_key_point_is_met_in_its_actors_row_not_in_another_row():
    right_row = _answer(rows={"medecin": [("Le responsable notifie.", 1)]})
    wrong_row = _answer(rows={"editeur": [("Le responsable notifie.", 1)]})
    assert key_points_met([NOTIFY], right_row) == [True]
    assert key_points_met([NOTIFY], wrong_row) == [False]
    assert key_points_met([NOTIFY], right_row, brief_only=True) == [False]


def test_a_key_point_stated_in_the_conclusion_counts_for_every_actor_and_for_the_brief_alone():
    answer = _answer(conclusion=[("C'est le médecin qui notifie.", 1)])
    assert key_points_met([NOTIFY, PROCESSOR_TELLS], answer) == [True, False]
    assert key_points_met([NOTIFY], answer, brief_only=True) == [True]


def test_doc_id_matches_any_passage_chunk_id_only_that_passage_and_its_points():
    assert cites("rgpd-art-33#2", ["rgpd-art-33"])
    assert not cites("rgpd-art-33#2", ["rgpd-art-33#1"])
    assert cites("rgpd-art-28#3.a", ["rgpd-art-28#3"]) and cites("rgpd-art-4#1-2", ["rgpd-art-4#1"])
    assert not cites("rgpd-art-4#15", ["rgpd-art-4#1"])
    any_actor = KeyPoint("any", ("rgpd-art-33",), "la violation se notifie")
    assert key_points_met([any_actor], _answer(rows={"hebergeur": [("Le sous-traitant prévient.", 2)]})) == [True]


def test_forbidden_statement_is_a_hit_in_its_row_or_the_brief_only():
    assert forbidden_hits([JOINT], _answer(rows={"medecin": [("Responsables conjoints.", 3)]})) == [JOINT]
    assert forbidden_hits([JOINT], _answer(brief=[("Responsables conjoints.", 3)])) == [JOINT]
    assert forbidden_hits([JOINT], _answer(rows={"editeur": [("Responsables conjoints.", 3)]})) == []


def test_a_reponse_statement_about_another_actor_does_not_mislead_about_this_one():
    """« Le médecin notifie la CNIL sous 72 h » [art. 33 § 1] in the réponse is right; it is not the host's duty
    stated wrongly, while a statement about the host citing it is."""
    host_72h = Forbidden("hebergeur", ("rgpd-art-33#1",), "les 72 heures ne visent pas l'hébergeur")
    about = lambda actor: Answer("q", False, conclusion=[Statement("Notifier sous 72 heures.", 1, "m", (), actor)],
                                 citations=_answer().citations)
    assert forbidden_hits([host_72h], about("medecin")) == []
    assert forbidden_hits([host_72h], about("hebergeur")) == [host_72h]
    assert forbidden_hits([host_72h], about("")) == [host_72h]  # a corpus sentence: about no one in particular


def test_yes_no_is_read_from_the_first_sentence_of_the_conclusion():
    assert stated_yes_no(_answer(conclusion=[("Non : l'hébergeur est un sous-traitant. Oui pour le reste.", 4)])) == "non"
    assert stated_yes_no(_answer(conclusion=[("Oui, si le logiciel héberge les données.", 4)])) == "depend"
    assert stated_yes_no(_answer(conclusion=[("Cela dépend : de qui héberge.", 4)])) == "depend"
    for conditional in ("Oui, s'il a manqué à ses obligations.", "Oui, s’ils ont manqué à leurs obligations."):
        assert stated_yes_no(_answer(conclusion=[(conditional, 4)])) == "depend"  # « s'il » is « si »
    assert stated_yes_no(_answer(brief=[("Le responsable du traitement notifie.", 1)])) == ""
    conditional_yes = _answer(conclusion=[("Oui, si le logiciel héberge les données.", 4)])
    assert yes_no_correct("oui", conditional_yes) and yes_no_correct("depend", conditional_yes)
    assert not yes_no_correct("non", conditional_yes)
    assert not yes_no_correct("oui", _answer(conclusion=[("Nonobstant, le médecin notifie.", 1)]))


def test_the_answer_to_a_question_asked_in_the_negative_is_read_as_its_label_reads_it():
    def said(question: str, first: str) -> str:
        answer = _answer(conclusion=[(first, 1)])
        answer.question = question
        return stated_yes_no(answer)

    # stated in the negative, the label says whether the negation holds: « Si » rejects it, « Non » confirms it
    stated = "Mon hébergeur a déjà notifié la CNIL. Je n'ai donc pas à la notifier ?"
    assert said(stated, "Si : le médecin notifie la CNIL.") == "non"
    assert said(stated, "Non : le médecin n'a rien à notifier.") == "oui"
    # inverted in the negative, it asks its positive form: « Si » is a yes
    assert said("L'article 33 n'oblige-t-il pas le médecin à notifier ?", "Si : le médecin notifie.") == "oui"
    assert said("Don't I have to notify the CNIL?", "Si, sauf si la violation est sans risque : …") == "depend"
    # asked straight, the words read as they are; a « si » that opens a condition is no answer
    assert said("Dois-je notifier la CNIL ?", "Non : le médecin n'a rien à notifier.") == "non"
    assert said("Je n'ai pas à notifier ?", "Si le médecin a notifié, il documente.") == ""


def test_not_in_corpus_is_said_by_a_gap_a_refusal_or_plain_words_not_by_quotes():
    assert says_not_in_corpus(_answer(gap="Le corpus ne répond pas à ce point (prix)."))
    assert says_not_in_corpus(_answer(refused=True))
    assert not says_not_in_corpus(_answer(brief=[("Le responsable du traitement notifie.", 1)]))


def test_visible_words_count_the_conclusion_brief_and_table_not_the_quotes():
    answer = _answer(conclusion=[("Oui, le médecin notifie.", 1)], brief=[("Deux mots.", 2)],
                     rows={"medecin": [("Trois mots ici.", 1)]})
    assert visible_words(answer) == 4 + 2 + 3


def _result(**kw) -> QuestionResult:
    base = dict(id="q", question="q", split="test", tags=[], must_refuse=False, expected_sources=["x"],
                retrieved_documents=[], first_hit_rank=None, recall_at_1=0, recall_at_5=0, recall_at_10=0,
                recall_at_5_strict=0, reciprocal_rank=0, ndcg_at_10=0, seconds=0.1, refused=False)
    return QuestionResult(**{**base, **kw})


def test_aggregate_pools_key_points_counts_refusals_as_missed_and_keeps_gaps_out_of_refusal_accuracy():
    results = [
        _result(key_points=["a", "b"], key_points_met=[True, False], key_points_met_brief=[True, False],
                forbidden_hits=["x"], yes_no_correct=True, visible_words=100),
        _result(key_points=["c"], refused=True, yes_no_correct=False),
        _result(not_in_corpus=True, expected_sources=[], refused=True, not_in_corpus_said=True, visible_words=None),
    ]
    m = aggregate(results)
    assert m.key_point_recall == 1 / 3 and m.key_point_recall_brief == 1 / 3
    assert m.forbidden_hits == 1 and m.yes_no_accuracy == 0.5 and m.not_in_corpus_accuracy == 1.0
    assert m.visible_words_p50 == 100
    assert m.answerable == 2 and m.refusal_accuracy == 0.5  # the out-of-corpus refusal counts neither way


def test_a_statement_is_useful_when_it_states_a_key_point_in_its_place_and_filler_otherwise():
    answer = _answer(conclusion=[("Le médecin notifie.", 1), ("Responsables conjoints.", 3)],
                     rows={"hebergeur": [("Le sous-traitant prévient.", 2), ("Instructions.", 4)],
                           "medecin": [("Le sous-traitant prévient.", 2)]})  # the host's duty in the doctor's row
    assert useful_statements([NOTIFY, PROCESSOR_TELLS], answer) == (2, 5)
    assert useful_statements([], answer) == (0, 5)
    results = [_result(key_points=["a", "b"], key_points_met=[True, True], statements_useful=2, statements_shown=5),
               _result(key_points=["c"], key_points_met=[False], statements_useful=0, statements_shown=3),
               _result(key_points=["d"], refused=True)]  # a refusal shows nothing
    assert aggregate(results).statement_precision == 2 / 8


def test_an_actor_is_covered_by_its_row_or_by_a_reponse_statement_about_it():
    from kb.evaluation.metrics import covered_actors

    answer = _answer(rows={"medecin": [("Le médecin notifie.", 1)]})
    answer.conclusion = [Statement("L'hébergeur prévient le médecin.", 2, "m", (), "hebergeur"),
                         Statement("Une phrase du corpus.", 1)]
    assert covered_actors(answer) == {"medecin", "hebergeur"}
    assert covered_actors(_answer(conclusion=[("Une phrase du corpus.", 1)])) == set()
