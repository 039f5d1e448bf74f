"""Regulatory knowledge base on French health-data liability (médecin, éditeur, hébergeur HDS).

    from kb import Engine
    answer = Engine().answer("Mon éditeur doit-il être certifié HDS ?")

Attributes load lazily so that light commands (`kb ingest` with nothing to do) start fast.
"""

__version__ = "0.1.0"
__all__ = ["Engine", "Settings", "Answer"]


def __getattr__(name):
    if name == "Engine":
        from kb.answer import Engine

        return Engine
    if name == "Settings":
        from kb.config import Settings

        return Settings
    if name == "Answer":
        from kb.types import Answer

        return Answer
    raise AttributeError(name)
