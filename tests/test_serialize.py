"""`kb ask --json`: a stable schema that `kb export --from-json` reads back into the same answer."""

from __future__ import annotations

import json

from kb.render import answer_markdown
from kb.serialize import answer_from_dict, answer_to_dict


def test_json_schema_is_stable_and_round_trips(tiny_engine):
    answer = tiny_engine.answer("Dans quel délai dois-je notifier une violation de données à la CNIL ?")
    data = json.loads(json.dumps(answer_to_dict(answer), ensure_ascii=False))
    for key in ("question", "refused", "answer_markdown", "actors", "citations", "retrieved", "timings"):
        assert key in data
    for c in data["citations"]:
        assert set(c) >= {"n", "chunk_id", "doc_id", "locator", "quote", "url", "version", "status"}
    again = answer_from_dict(data)
    assert answer_markdown(again) == data["answer_markdown"]
    assert any(c["doc_id"] == "rgpd-art-33" for c in data["citations"])

