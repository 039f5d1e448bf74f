"""Questions outside the corpus's field told by their closest examples. The regular expressions of kb/scope.py
catch what they name (posologie, URSSAF, divorce…); a question worded otherwise (« comment licencier ma
secrétaire ? », « la meilleure banque pour un libéral ? ») is refused when it is closer to the off-topic examples
(kb/data/off_topic.txt) than to any question or proposition of the who-does-what map, unless it uses the field's
own words (données, hébergeur, RGPD…): then it is the field's, however close to a billing question."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

import numpy as np

from kb.compose.entries import MapVectors
from kb.scope import names_the_field

OFF_TOPIC_MARGIN = 0.0  # refused when the map's closest question leads the closest off-topic one by less (dev)


def off_topic_examples() -> list[str]:
    text = files("kb").joinpath("data/off_topic.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class OffTopic:
    """The field's questions (the map's) and the off-topic examples, embedded once."""

    field: np.ndarray
    off: np.ndarray

    @classmethod
    def embed(cls, map_vectors: MapVectors, embeddings) -> OffTopic:
        """The field: the map's questions and propositions, as doctors ask them."""
        off = np.asarray(embeddings.embed_documents(off_topic_examples()), dtype=np.float32)
        field = [v for v in (map_vectors.questions, map_vectors.propositions) if len(v)]
        return cls(np.vstack(field) if field else np.zeros((0, off.shape[1]), dtype=np.float32), off)

    def margin(self, query_vector) -> float:
        """How much closer the question is to the field's closest question than to the closest off-topic one."""
        if not len(self.field) or not len(self.off):  # a corpus without a map: nothing to compare with
            return float("inf")
        q = np.asarray(query_vector, dtype=np.float32)
        return float((self.field @ q).max() - (self.off @ q).max())

    def refuses(self, question: str, query_vector) -> bool:
        return query_vector is not None and not names_the_field(question) and \
            self.margin(query_vector) < OFF_TOPIC_MARGIN
