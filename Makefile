# Set-up is automatic: every target creates .venv from python3 on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test test-formatters test-formatters-langs test-formatters-all install-check bench screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/tether demo

test: $(STAMP)
	$(PY) -m pytest

install-check: $(STAMP)
	.ci/install-check

screenshots: $(STAMP)
	$(PY) -m tether.tui.screenshots screenshots

bench: $(STAMP)
	$(PY) tests/bench/bench_index.py

# Slow (tens of minutes): black and ruff format over the standard library, fingerprints against Python's ast.
test-formatters: $(STAMP)
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) tests/bench/bench_formatters.py

# Slow (several minutes; fetches its corpora once into ~/.cache/tether-bench): prettier, gofmt, rustfmt
# and clang-format over real code of their languages. LANGS: some of js,ts,tsx,go,rust,c,cpp.
LANGS ?= js,ts,tsx,go,rust,c,cpp
test-formatters-langs: $(STAMP)
	$(PY) tests/bench/bench_formatters_langs.py --langs $(LANGS)

test-formatters-all: test-formatters test-formatters-langs

clean:
	rm -rf $(VENV) build *.egg-info
