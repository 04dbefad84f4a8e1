# Set-up is automatic: every target creates .venv from python3 on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test test-formatters install-check bench screenshots clean

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

clean:
	rm -rf $(VENV) build *.egg-info
