"""`python -m kb.bench ingest|ask|app|scale|privacy|verdicts|typing|noise`: each command comes from the module that
measures it."""

from __future__ import annotations

import argparse

from kb.bench import noise, privacy, speed, typed, verdicts
from kb.bench.scale import run as scale


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m kb.bench",
                                     description="Bancs d'essai : des mesures, pas des tests.")
    sub = parser.add_subparsers(dest="command", required=True)
    speed.add_parser(sub)  # ingest, ask, app
    scale.add_parser(sub)  # scale: 1k → 100k passages
    privacy.add_parser(sub)  # privacy: redaction recall
    verdicts.add_parser(sub)  # verdicts: the yes/no verdict on blind questions
    typed.add_parser(sub)  # typing: the answer to questions typed in lower case or without accents
    noise.add_parser(sub)  # noise: the answer when the vectors move a little, as from one machine to another
    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
