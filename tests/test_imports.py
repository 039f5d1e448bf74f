"""The edges (app.py, kb/cli.py) go through the package's front door only, so that the inner modules can change
without them. Allowed:

- `kb`: the public API (Engine, search, index_info, ingest, sources_table... see kb/__init__.py);
- `kb.render`, `kb.labels`: how an answer is shown and the French words around it (the edges draw answers);
- `kb.export`: the DPO dossier (the app's downloads, `kb export`);
- `kb.errors`, `kb.config`: the errors the edges translate, the settings they parse."""

from __future__ import annotations

import ast

import pytest

from kb.config import ROOT

ALLOWED = {"kb", "kb.render", "kb.labels", "kb.export", "kb.errors", "kb.config"}


def kb_imports(path) -> list[tuple[int, str]]:
    """Every kb module a file imports, with its line (`from kb import labels` counts as kb.labels)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "kb"]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "kb":
            found.append((node.lineno, node.module))
            if node.module == "kb":
                found += [(node.lineno, f"kb.{a.name}") for a in node.names
                          if (ROOT / "kb" / f"{a.name}.py").exists() or (ROOT / "kb" / a.name).is_dir()]
    return found


@pytest.mark.parametrize("edge", ["app.py", "kb/cli.py"])
def test_edges_import_only_the_public_api_the_renderer_and_the_exporters(edge):
    found = kb_imports(ROOT / edge)
    assert found, "no kb import found: the check would pass vacuously"
    outside = [f"{edge}:{line} {module}" for line, module in found if module not in ALLOWED]
    assert not outside, outside


def test_an_inner_import_is_caught(tmp_path):
    edge = tmp_path / "edge.py"
    edge.write_text("import kb\nfrom kb import retrieve, labels\nfrom kb.index.store import Store\n", encoding="utf-8")
    assert [m for _, m in kb_imports(edge) if m not in ALLOWED] == ["kb.retrieve", "kb.index.store"]


def test_every_public_name_resolves():
    import kb

    for name in kb.__all__:
        assert getattr(kb, name) is not None, name
