"""The benchmark and test harness (`python -m kb.bench <command>`): speed figures, the scale run, the redaction
measure, and the servers and headless browser the end-to-end tests drive. Not part of the product: pyproject.toml
leaves it out of the wheel; a source checkout or `pip install -e .` (how `make install` installs) runs it."""
