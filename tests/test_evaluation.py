"""`kb eval`: metrics computed by hand on small cases, a tiny questions file through the real engine,
clear errors for a bad questions file, and a failing threshold that fails the command."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.evaluation import (CorpusFiles, Metrics, QuestionResult, QuestionsError, ThresholdsError, aggregate,
                           brief_precision, check_thresholds,
                           document_ranking, evaluate, load_questions, load_thresholds, ndcg_at, normalize,
                           recall_at, reciprocal_rank, strict_recall_at)
from kb.types import Answer, Citation, Document, Statement


def doc(doc_id: str, about: tuple[str, ...] = ()) -> Document:
    return Document(doc_id=doc_id, title=doc_id, kind="fiche" if about else "code_article", text="…",
                    path=Path(f"{doc_id}.md"), url="", version="", about=about)


DOCS = {d.doc_id: d for d in (doc("a"), doc("b"), doc("c"), doc("d"), doc("fiche-x", ("x", "y")),
                               doc("fiche-all", ("a", "b", "c", "d", "x")))}


# -- metrics, by hand ------------------------------------------------------------------------------------


def test_recall_counts_any_expected_document_among_the_first_k_distinct_documents():
    ranking = document_ranking(["a", "a", "b", "c", "b", "d"], DOCS)  # chunks of a and b repeat
    assert [d.doc_id for d in ranking] == ["a", "b", "c", "d"]
    assert recall_at(ranking, ["c", "zzz"], 1) == 0.0
    assert recall_at(ranking, ["c", "zzz"], 2) == 0.0
    assert recall_at(ranking, ["c", "zzz"], 3) == 1.0  # c is the third distinct document, not the fourth chunk
    assert recall_at(ranking, ["zzz"], 10) == 0.0


def test_reciprocal_rank_is_one_over_the_rank_of_the_first_expected_document():
    ranking = document_ranking(["a", "b", "c", "d"], DOCS)
    assert reciprocal_rank(ranking, ["c", "d"]) == pytest.approx(1 / 3)
    assert reciprocal_rank(ranking, ["a"]) == 1.0
    assert reciprocal_rank(ranking, ["zzz"]) == 0.0


def test_ndcg_is_binary_and_normalised_by_the_ideal_order():
    ranking = document_ranking(["a", "b", "c", "d"], DOCS)
    # expected {b, d}: gains at ranks 2 and 4; ideal: ranks 1 and 2
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    ideal = 1 + 1 / math.log2(3)
    assert ndcg_at(ranking, ["b", "d"]) == pytest.approx(dcg / ideal)  # ≈ 0.7967
    assert ndcg_at(ranking, ["a"]) == 1.0
    assert ndcg_at(ranking, ["zzz"]) == 0.0


def test_strict_ranking_counts_a_fiche_only_for_texts_the_corpus_does_not_hold():
    docs = {**DOCS, "fiche-a": doc("fiche-a", ("a", "z"))}  # a is shipped officially, z is not
    ranking = document_ranking(["fiche-a", "a"], docs)
    assert recall_at(ranking, ["a"], 1) == 1.0 and strict_recall_at(ranking, ["a"], 1) == 0.0
    assert strict_recall_at(ranking, ["z"], 1) == 1.0
    assert reciprocal_rank(ranking, ["a"], strict=True) == 0.5


def test_a_fiche_counts_for_the_documents_it_is_about_but_only_once():
    ranking = document_ranking(["a", "fiche-x"], DOCS)
    assert recall_at(ranking, ["y"], 2) == 1.0
    assert reciprocal_rank(ranking, ["x"]) == 0.5
    # the fiche covers both expected ids at rank 2: one gain, against an ideal of two ranks
    assert ndcg_at(ranking, ["x", "y"]) == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3)))


def test_a_brief_statement_stands_for_the_texts_its_source_bracket_names():
    text = ("- Le sous-traitant notifie la violation au médecin. [rgpd-art-33 § 2 ; source: https://ex.fr/a-b]\n"
            "- La CNIL a sanctionné un médecin. [cnil-SAN-2020-014]\n")
    fiche = Document(doc_id="fiche-role", title="Fiche", kind="fiche", text=text, path=Path("f.md"), url="",
                     version="", about=("a", "b", "c", "d"))  # transversal: its `about` does not count
    documents = {**DOCS, "fiche-role": fiche}
    first, second = text.index("Le sous"), text.index("La CNIL")
    citations = [Citation(n, "fiche-role#x", "fiche-role", "Fiche", "Fiche", text[s:e], "", "", "fiche", "fiche", s, e)
                 for n, (s, e) in enumerate([(first, text.index(" [rgpd")), (second, text.index(" [cnil"))], 1)]
    answer = Answer(question="q", refused=False, brief=[Statement(c.quote, c.n) for c in citations], citations=citations)
    assert brief_precision(answer, ["rgpd-art-33"], documents) == 0.5
    assert brief_precision(answer, ["rgpd-art-33", "cnil-SAN-2020-014"], documents) == 1.0
    assert brief_precision(answer, ["a", "a-b"], documents) == 0.0  # neither `about` nor a piece of the URL
    assert brief_precision(Answer(question="q", refused=False), ["a"], documents) is None


def test_strict_recall_counts_a_transversal_fiche_only_for_itself():
    ranking = document_ranking(["fiche-all", "fiche-x"], DOCS)  # fiche-all is about five documents
    assert recall_at(ranking, ["c"], 1) == 1.0
    assert strict_recall_at(ranking, ["c"], 5) == 0.0
    assert strict_recall_at(ranking, ["y"], 5) == 1.0  # a fiche about two documents still counts for them


def result(id: str, must_refuse: bool, refused: bool, **kw) -> QuestionResult:
    base = dict(id=id, question=id, split="dev", tags=[], must_refuse=must_refuse, expected_sources=[] if must_refuse else ["a"],
                retrieved_documents=[], first_hit_rank=None, recall_at_1=0.0, recall_at_5=0.0, recall_at_10=0.0,
                recall_at_5_strict=0.0, reciprocal_rank=0.0, ndcg_at_10=0.0, seconds=1.0, refused=refused)
    return QuestionResult(**{**base, **kw})


def test_refusal_precision_recall_and_accuracy_treat_refused_as_the_positive_class():
    results = [
        result("q1", must_refuse=True, refused=True),  # TP
        result("q2", must_refuse=True, refused=False),  # FN
        result("q3", must_refuse=False, refused=True),  # FP
        result("q4", must_refuse=False, refused=False, recall_at_5=1.0, recall_at_1=1.0, recall_at_10=1.0,
               reciprocal_rank=1.0, ndcg_at_10=1.0, seconds=3.0),  # TN
    ]
    m = aggregate(results)
    assert (m.refusal_precision, m.refusal_recall, m.refusal_accuracy) == (0.5, 0.5, 0.5)
    assert m.answerable == 2 and m.recall_at_5 == 0.5 and m.mrr == 0.5  # only the items not to refuse
    assert m.latency_p50 == 1.0


def test_answer_points_match_without_case_accents_or_curly_apostrophes():
    assert normalize("Fait l’objet d'un  CONTRAT") == normalize("fait l'objet d'un contrat")
    assert normalize("Espace économique européen") == "espace economique europeen"


def test_a_quote_is_valid_only_if_it_is_verbatim_in_the_corpus_file_on_disk(tmp_path):
    (tmp_path / "official").mkdir()
    (tmp_path / "official" / "art.md").write_text("---\nid: art-1\ntitle: Article 1\n---\n\nLe sous-traitant "
                                                  "agit sur instruction.\n", encoding="utf-8")
    files = CorpusFiles(tmp_path)
    assert files.holds("art-1", "agit sur instruction")
    assert not files.holds("art-1", "agit sans instruction")
    assert not files.holds("art-2", "agit sur instruction")
    assert not files.holds("art-1", "")


# -- the questions file ----------------------------------------------------------------------------------

TINY = """
- id: t001
  question: "D'après l'art. 33 RGPD, de combien de temps dispose-t-on pour notifier une violation à la CNIL ?"
  expected_sources: [rgpd-art-33]
  actors: [medecin]
  must_refuse: false
  answer_points: ["72 heures"]
  split: test
  tags: [reference, violation]
- id: t002
  question: "Mon éditeur passe par un hébergeur certifié HDS. Si les données fuient chez l'hébergeur, qui est responsable ?"
  expected_sources: [rgpd-art-28, rgpd-art-82]
  actors: [medecin, hebergeur]
  must_refuse: false
  split: test
  tags: [responsabilite]
- id: t003
  question: "Quelle peine l'article L1115-1 prévoit-il pour un hébergement de données de santé sans certificat ?"
  expected_sources: [csp-L1115-1]
  actors: [hebergeur]
  must_refuse: false
  split: dev
  tags: [reference]
- id: t004
  question: "Quelle dose d'amoxicilline pour un enfant de 15 kg qui a une otite ?"
  expected_sources: []
  actors: []
  must_refuse: true
  split: test
  tags: [refus, dosage]
"""


@pytest.fixture()
def tiny_questions(tmp_path) -> Path:
    path = tmp_path / "questions.yaml"
    path.write_text(TINY, encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_tiny_questions_file_runs_through_the_real_engine(kb_settings, tiny_questions):
    evaluation = evaluate(kb_settings, tiny_questions, "all")
    main = evaluation.main
    assert set(main.metrics) == {"dev", "test", "all"}
    assert [r.id for r in main.results] == ["t001", "t002", "t003", "t004"]
    test = main.metrics["test"]
    assert test.questions == 3 and test.answerable == 2
    assert test.citation_validity == 1.0
    assert test.refusal_accuracy is not None and test.latency_p95 is not None
    by_id = {r.id: r for r in main.results}
    assert by_id["t004"].refused and by_id["t004"].must_refuse
    assert not by_id["t001"].refused and by_id["t001"].recall_at_5 == 1.0
    assert by_id["t001"].answer_points_found == ["72 heures"]
    assert len(by_id["t001"].retrieved_documents) <= 10
    data = json.loads(json.dumps(evaluation.to_dict()))
    assert data["configs"][0]["metrics"]["all"]["citation_validity"] == 1.0
    assert data["configs"][0]["questions"][0]["id"] == "t001"


def write(tmp_path, text: str, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_field_names_the_item(tmp_path):
    path = write(tmp_path, TINY.replace("  split: dev\n", ""))
    with pytest.raises(QuestionsError, match=r"t003.*champ « split » manquant"):
        load_questions(path)


def test_an_unknown_split_names_the_item_and_the_choices(tmp_path):
    path = write(tmp_path, TINY.replace("split: dev", "split: devv"))
    with pytest.raises(QuestionsError, match=r"t003.*split inconnu « devv ».*dev, test"):
        load_questions(path)


def test_an_unknown_document_id_names_the_item_and_the_id(tmp_path):
    path = write(tmp_path, TINY.replace("[csp-L1115-1]", "[csp-L9999-1]"))
    known = {"rgpd-art-33", "rgpd-art-28", "rgpd-art-82", "csp-L1115-1"}
    assert len(load_questions(write(tmp_path, TINY, "good.yaml"), known)) == 4
    with pytest.raises(QuestionsError, match=r"t003.*csp-L9999-1"):
        load_questions(path, known)


def test_every_problem_is_reported_at_once(tmp_path):
    bad = TINY.replace("split: dev", "split: devv").replace("must_refuse: true", "must_refuse: oui")
    with pytest.raises(QuestionsError) as exc:
        load_questions(write(tmp_path, bad))
    assert "t003" in str(exc.value) and "t004" in str(exc.value) and "2 problème(s)" in str(exc.value)


def test_a_duplicate_id_is_an_error(tmp_path):
    bad = TINY.replace("id: t002", "id: t001")
    with pytest.raises(QuestionsError) as exc:
        load_questions(write(tmp_path, bad))
    assert "« t001 » déjà utilisé" in str(exc.value)


def test_unknown_keys_are_ignored_with_one_warning_line_and_ids_of_any_form_load(tmp_path, capsys):
    """Users score their own files: extra notes and their own id scheme must not stop the run."""
    own = TINY.replace("id: t001", "id: CLIENT-A/1").replace("answer_points:", "note: x\n  answer_point:")
    items = load_questions(write(tmp_path, own))
    assert [i.id for i in items][0] == "CLIENT-A/1" and len(items) == 4
    warning = capsys.readouterr().err.strip().splitlines()
    assert len(warning) == 1 and "answer_point, note" in warning[0]


def test_key_points_and_forbidden_name_known_passages_and_actors(tmp_path):
    known, passages = {"rgpd-art-33", "rgpd-art-28", "rgpd-art-82", "csp-L1115-1"}, {"rgpd-art-33#1", "rgpd-art-28#3.a"}
    keyed = TINY.replace("  split: dev\n", "  split: dev\n  key_points:\n"
                         "    - {actor: medecin, any_of: [rgpd-art-33#1, rgpd-art-28#3, rgpd-art-82], claim: notifie}\n"
                         "  forbidden: [{actor: any, any_of: [rgpd-art-28#3.a], why: sous-traitant}]\n"
                         "  yes_no: oui\n", 1)
    item = next(i for i in load_questions(write(tmp_path, keyed), known, passages) if i.key_points)
    assert item.key_points[0].any_of == ("rgpd-art-33#1", "rgpd-art-28#3", "rgpd-art-82") and item.yes_no == "oui"
    assert item.forbidden[0].actor == "any"
    bad = keyed.replace("rgpd-art-33#1,", "rgpd-art-33#9,").replace("actor: any", "actor: patient")
    bad = bad.replace("yes_no: oui", "yes_no: peut-être")
    with pytest.raises(QuestionsError) as exc:
        load_questions(write(tmp_path, bad, "bad.yaml"), known, passages)
    assert "rgpd-art-33#9" in str(exc.value) and "« patient » inconnu" in str(exc.value) and "yes_no" in str(exc.value)


def test_a_not_in_corpus_question_needs_no_source_and_is_not_to_refuse(tmp_path):
    gap = TINY.replace("must_refuse: true", "must_refuse: false\n  not_in_corpus: true")
    assert any(i.not_in_corpus and not i.answerable for i in load_questions(write(tmp_path, gap)))
    both = TINY.replace("must_refuse: true", "must_refuse: true\n  not_in_corpus: true")
    with pytest.raises(QuestionsError, match="s'excluent"):
        load_questions(write(tmp_path, both, "both.yaml"))


def test_a_refusal_with_sources_is_an_error(tmp_path):
    bad = TINY.replace("  expected_sources: []\n  actors: []\n  must_refuse: true",
                       "  expected_sources: [rgpd-art-9]\n  actors: []\n  must_refuse: true")
    with pytest.raises(QuestionsError, match=r"t004.*must_refuse"):
        load_questions(write(tmp_path, bad))


# -- thresholds ------------------------------------------------------------------------------------------


def test_a_threshold_above_the_measure_fails_and_a_maximum_is_an_upper_bound(tmp_path):
    path = tmp_path / "thresholds.toml"
    path.write_text("[test]\nrecall_at_5 = 0.9\n[test.max]\nlatency_p95 = 2.0\n", encoding="utf-8")
    checks = check_thresholds({"test": Metrics(recall_at_5=0.8, latency_p95=1.5)}, load_thresholds(path))
    assert [(c.metric, c.ok) for c in checks] == [("recall_at_5", False), ("latency_p95", True)]


def test_an_unknown_metric_in_thresholds_is_an_error(tmp_path):
    path = tmp_path / "thresholds.toml"
    path.write_text("[test]\nrecal_at_5 = 0.9\n", encoding="utf-8")
    with pytest.raises(ThresholdsError, match="recal_at_5.*recall_at_5"):
        load_thresholds(path)


@pytest.mark.slow
def test_kb_eval_exits_non_zero_when_a_threshold_is_not_met(kb_settings, tiny_questions, tmp_path):
    from kb.cli import app

    env = {"KB_DATA_DIR": str(kb_settings.data_dir), "KB_CACHE": str(kb_settings.cache_dir)}
    impossible = tmp_path / "impossible.toml"
    impossible.write_text("[test]\nrecall_at_5 = 1.01\ncitation_validity = 1.0\n", encoding="utf-8")
    out_json = tmp_path / "eval.json"
    failed = CliRunner().invoke(app, ["eval", "--questions", str(tiny_questions), "--split", "test",
                                      "--thresholds", str(impossible), "--json", str(out_json)], env=env)
    assert failed.exit_code == 1, failed.output
    assert "recall_at_5" in failed.output and "✗" in failed.output
    assert json.loads(out_json.read_text())["passed"] is False

    reachable = tmp_path / "reachable.toml"
    reachable.write_text("[test]\ncitation_validity = 1.0\n", encoding="utf-8")
    passed = CliRunner().invoke(app, ["eval", "--questions", str(tiny_questions), "--split", "test",
                                      "--thresholds", str(reachable)], env=env)
    assert passed.exit_code == 0, passed.output


@pytest.mark.slow
def test_kb_eval_names_the_item_of_a_bad_questions_file(kb_settings, tmp_path):
    from kb.cli import app

    env = {"KB_DATA_DIR": str(kb_settings.data_dir), "KB_CACHE": str(kb_settings.cache_dir)}
    bad = write(tmp_path, TINY.replace("[csp-L1115-1]", "[csp-L9999-1]"))
    out = CliRunner().invoke(app, ["eval", "--questions", str(bad)], env=env)
    assert out.exit_code == 2
    assert "t003" in out.output and "csp-L9999-1" in out.output


def test_the_evaluation_scores_the_answer_the_app_gives_and_ranks_documents_from_ten_passages(engine):
    from kb import api
    from kb.evaluation.metrics import EVAL_K, hit_ranking
    from kb.evaluation.runner import engine_outcome

    question = "Mon hébergeur a été piraté. Dois-je notifier la CNIL ?"
    outcome = engine_outcome(engine, question)
    # the answer a doctor reads, with the app's own passages (not the ten recall@10 needs)
    assert engine.settings.k < EVAL_K and len(outcome.answer.retrieved) == engine.settings.k
    assert [s.text for s in outcome.answer.conclusion] == [s.text for s in engine.answer(question).conclusion]
    # the documents ranked from ten passages
    ten = api.retrieve(engine, question, EVAL_K).hits
    assert len(ten) == EVAL_K and outcome.ranking == hit_ranking(ten, api.documents(engine), EVAL_K)
