"""The benchmark harness (kb/bench/): every `python -m kb.bench` command is still there, and the harness stays out of
the wheel while the product stays in it."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from setuptools import find_namespace_packages

from kb.bench.__main__ import main
from kb.bench.noise import _noisy, _shaken
from kb.bench.typed import TYPINGS
from kb.bench.verdicts import LABELS, load_items
from kb.config import ROOT
from kb.folding import without_accents

COMMANDS = ("ingest", "ask", "app", "scale", "privacy", "verdicts", "typing", "noise")


def test_python_m_kb_bench_offers_every_command():
    shown = subprocess.run([sys.executable, "-m", "kb.bench", "--help"], capture_output=True, text=True, cwd=ROOT,
                           timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert "{" + ",".join(COMMANDS) + "}" in shown.stdout


def test_the_privacy_command_prints_recall_and_false_positives(capsys):
    main(["privacy"])
    out = capsys.readouterr().out
    assert out.startswith("rappel sur les variantes : ")
    assert "faux positifs sur les questions juridiques : 0/" in out


def test_the_blind_yes_no_questions_each_name_a_map_entry_and_a_verdict(engine):
    items = load_items()
    assert len(items) > 500
    assert {i.verdict for i in items} <= set(LABELS)
    assert not [i.entry for i in items if engine.map.get(i.entry) is None]


def test_the_verdicts_command_prints_what_the_engine_states(kb_settings, capsys):
    main(["verdicts", "--limit", "6", "--data-dir", str(kb_settings.data_dir), "--show-misses"])
    out = capsys.readouterr().out
    correct = int(re.match(r"verdicts justes : (\d+)/6 ", out)[1])
    wrong, unstated, refused = map(int, re.search(r"verdicts faux : (\d+), sans verdict : (\d+), refusées : (\d+)",
                                                  out).groups())
    assert correct + wrong + unstated + refused == 6
    assert len(re.findall(r"^- \[", out, re.M)) == 6 - correct  # each miss shown


def test_the_typing_command_asks_each_question_in_lower_case_without_accents_and_with_typos(kb_settings, capsys):
    assert without_accents("Mon HÉBERGEUR doit-il être certifié ?") == "Mon HEBERGEUR doit-il etre certifie ?"
    assert [typed("Éditeur certifié ?") for typed in list(TYPINGS.values())[:4]] == [
        "Éditeur certifié ?", "éditeur certifié ?", "Editeur certifie ?", "editeur certifie ?"]
    question = ("Mon hébergeur certifié doit-il prévenir le médecin quand une violation touche les données de santé "
                "de ses patients ?")
    slipped = TYPINGS["fautes de frappe"](question)
    assert slipped == TYPINGS["fautes de frappe"](question) != question  # typos, the same every run
    for word, typed in zip(question.split(), slipped.split()):  # one letter dropped, doubled or swapped, not the 1st
        assert typed == word or (len(word) >= 6 and typed[0] == word[0] and (
            abs(len(typed) - len(word)) == 1 or sorted(typed) == sorted(word)))
    main(["typing", "--limit", "4", "--data-dir", str(kb_settings.data_dir)])
    out = capsys.readouterr().out
    assert out.startswith("4 questions (dev)")
    rows = [line for line in out.splitlines() if line.startswith(tuple(TYPINGS))]
    assert [r.split("  ")[0].strip() for r in rows] == list(TYPINGS)
    for row in rows:  # key points, réponse, yes/no, refusals: shares; misleading statements: a count
        *shares, misleading = row.split()[-5:]
        assert all(s == "—" or 0.0 <= float(s) <= 1.0 for s in shares) and misleading.isdigit()


def test_the_wheel_ships_the_product_but_not_the_harness():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    find = pyproject["tool"]["setuptools"]["packages"]["find"]
    shipped = set(find_namespace_packages(where=str(ROOT), include=find["include"], exclude=find.get("exclude", ())))
    assert {"kb", "kb.compose", "kb.export", "kb.index", "kb.evaluation", "kb.sync"} <= shipped
    assert not {p for p in shipped if p.startswith("kb.bench")}


def test_the_noise_command_moves_the_vectors_by_about_sigma_and_counts_the_answers_that_change(kb_settings, capsys):
    import numpy as np

    from kb.answer import Engine

    unit = np.eye(3, dtype=np.float32)
    moved = _noisy(unit, 1e-3, np.random.default_rng(0))
    assert np.allclose(np.linalg.norm(moved, axis=1), 1.0, atol=1e-6)
    assert 1e-5 < np.abs(moved - unit).max() < 1e-2
    still, shaken = Engine(kb_settings), _shaken(Engine(kb_settings), 1e-3, 0)
    assert not np.array_equal(still.map_vectors.statements, shaken.map_vectors.statements)
    question = "Qui notifie la CNIL après une fuite ?"
    before = np.asarray(still.store.dense.embeddings.embed_query(question))
    after = np.asarray(shaken.store.dense.embeddings.embed_query(question))
    assert 0 < np.abs(after - before).max() < 1e-2
    main(["noise", "--limit", "4", "--split", "dev", "--sigma", "1e-3", "--data-dir", str(kb_settings.data_dir)])
    out = capsys.readouterr().out
    assert out.startswith("4 questions (dev)")
    rows = [line.split() for line in out.splitlines() if line.split() and line.split()[0] in ("0", "0.001")]
    assert [r[0] for r in rows] == ["0", "0.001"]
    assert rows[0][1] == "0" and 0 <= int(rows[1][1]) <= 4  # answers changed, against the vectors left as they are
