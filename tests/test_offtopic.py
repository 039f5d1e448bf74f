"""Questions outside the field told by their closest examples (kb/offtopic.py), after retrieval: the real engine
for the wording the regular expressions miss, synthetic vectors for the rule itself."""

from __future__ import annotations

import numpy as np
import pytest

from kb.offtopic import OffTopic, off_topic_examples
from kb.scope import OUT_OF_FIELD


def test_the_examples_cover_many_off_topic_questions():
    examples = off_topic_examples()
    assert len(examples) >= 60 and not any(e.startswith("#") for e in examples)


def test_a_question_closer_to_an_off_topic_example_is_refused_unless_it_uses_the_fields_words():
    unit = np.eye(3, dtype=np.float32)
    rule = OffTopic(field=unit[[0]], off=unit[[1]])
    closer_off = np.array([0.2, 0.9, 0.0], dtype=np.float32)
    assert rule.margin(closer_off) == pytest.approx(-0.7)
    assert rule.refuses("Comment licencier ma secrétaire ?", closer_off)
    assert not rule.refuses("Mon hébergeur peut-il licencier ses administrateurs ?", closer_off)  # field's words
    assert not rule.refuses("Comment licencier ma secrétaire ?", np.array([0.9, 0.2, 0.0], dtype=np.float32))


def test_without_a_map_nothing_is_refused_by_example():
    rule = OffTopic(field=np.zeros((0, 3), dtype=np.float32), off=np.eye(3, dtype=np.float32))
    assert not rule.refuses("Comment licencier ma secrétaire ?", [0.0, 1.0, 0.0])


@pytest.mark.parametrize("question", [
    "Comment recruter un assistant médical pour mon cabinet ?",  # a dismissal is now caught by an expression
    "Quelle est la meilleure banque pour un médecin libéral ?",
    "Comment traiter une gastro-entérite chez un patient âgé ?",  # no word of the medical expressions
])
def test_off_topic_questions_the_expressions_miss_are_refused(engine, question):
    answer = engine.answer(question, llm="")
    assert answer.refused and answer.refusal_reason.startswith(OUT_OF_FIELD)


@pytest.mark.parametrize("question", [
    "Ma secrétaire peut-elle consulter les dossiers médicaux ?",
    "Les gens que je n'ai pas revus depuis des années, je garde leurs papiers jusqu'à quand ?",
    "Un hacker a tout récupéré : faut-il que j'écrive à chacun de mes patients ?",
])
def test_the_fields_questions_in_everyday_words_are_answered(engine, question):
    assert not engine.answer(question, llm="").refused
