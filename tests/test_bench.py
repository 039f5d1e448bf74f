"""The benchmark harness (kb/bench/): every `python -m kb.bench` command is still there, and the harness stays out of
the wheel while the product stays in it."""

from __future__ import annotations

import subprocess
import sys
import tomllib

from setuptools import find_namespace_packages

from kb.bench.__main__ import main
from kb.config import ROOT

COMMANDS = ("ingest", "ask", "app", "scale", "privacy")


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


def test_the_wheel_ships_the_product_but_not_the_harness():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    find = pyproject["tool"]["setuptools"]["packages"]["find"]
    shipped = set(find_namespace_packages(where=str(ROOT), include=find["include"], exclude=find.get("exclude", ())))
    assert {"kb", "kb.compose", "kb.export", "kb.index", "kb.evaluation", "kb.sync"} <= shipped
    assert not {p for p in shipped if p.startswith("kb.bench")}
