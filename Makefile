# The two commands of the README: `make run` and `make test`. Everything they need installs from here.
VENV   ?= .venv
PY     := $(VENV)/bin/python
KB     := $(VENV)/bin/kb
STAMP  := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-12)
PORT   ?= 8501
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install run test ingest eval report bench system-deps clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

ingest: install
	$(KB) ingest

run: ingest
	$(VENV)/bin/streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT) --server.headless true

# Debian packages the tests use: a real browser (Chromium) and pdftoppm (poppler) to look at PDFs.
system-deps:
	@command -v chromium >/dev/null && command -v pdftoppm >/dev/null || \
	  ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium chromium-driver poppler-utils >/dev/null)

test: install system-deps
	$(PY) -m pytest -q
	$(KB) ingest
	$(KB) eval --split test --json test-output/eval-test.json

eval: ingest
	$(KB) eval --split all

report: ingest
	$(KB) eval --split all --baselines --report eval/REPORT.md

bench: ingest system-deps
	$(PY) -m kb.bench ingest
	$(PY) -m kb.bench ask
	$(PY) -m kb.bench app

clean:
	rm -rf .kb test-output
