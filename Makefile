# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint browser bench mutate clean bytecode

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The editable install leaves src/ uncompiled, and PYTHONDONTWRITEBYTECODE (set by some
# environments) keeps Python from caching bytecode: every command would compile our modules
# from source. compileall writes the .pyc files all the same, as pip does for an install;
# `run` and `test` run it again (`bytecode`: quick when nothing changed), for modules a pull
# or an edit changed since.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	$(BIN)/python -m compileall -q src
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"
	$(BIN)/python -m compileall -q src
	touch $@ $(VENV)/.installed-run

## run: set up the demo database (toetreding.db), then serve the web app with the scheduler
## (prints the address and, on first run, the administrator's password; stop with Ctrl-C)
run: $(VENV)/.installed-run bytecode
	$(BIN)/toetreding demo
	$(BIN)/toetreding serve

## test: lint, type-check and run the whole test suite (with the browser tests in headless
## Chromium; TOETREDING_SKIP_BROWSER=1 leaves the browser out)
test: $(VENV)/.installed-dev lint browser bytecode
	$(BIN)/python -m pytest

## browser: Debian's chromium and chromium-driver for tests/browser, installed once (quiet
## when they are there; as root, else through sudo)
browser:
ifneq ($(TOETREDING_SKIP_BROWSER),1)
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then \
	    echo "installing Debian's chromium and chromium-driver for the browser tests"; \
	    SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	    $$SUDO apt-get update -qq && \
	    $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	        chromium chromium-driver fonts-liberation >/dev/null || { \
	    echo "could not install chromium and chromium-driver; install them, or set" \
	         "TOETREDING_SKIP_BROWSER=1 to run the tests without the browser" >&2; exit 1; }; \
	fi
endif

bytecode: $(VENV)/.installed-run
	$(BIN)/python -m compileall -q src

## lint: ruff, mypy --strict and the import contracts of docs/architecture.md (pyproject.toml)
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

## bench: run every benchmark in bench/ to the end at its default size (prints figures,
## asserts nothing), the quick ones first: engine_throughput.py, last, should take about an
## hour at 10,000 cases on a 2-core machine (it took 12 minutes at --cases 2000).
## `make test` smoke-runs each at a tiny size (tests/test_bench_smoke.py); those with a
## database take --cases N (cli_startup.py: --runs N), e.g.
## `.venv/bin/python bench/engine_throughput.py --cases 1000`.
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/cli_startup.py
	$(BIN)/python bench/agenda.py
	$(BIN)/python bench/reminder_sweep.py
	$(BIN)/python bench/web_pages.py
	$(BIN)/python bench/engine_events.py
	$(BIN)/python bench/engine_throughput.py

## mutate: mutation testing (mutmut) of the core packages (rules, workflows, deadlines,
## calendar, the hot path's decision and write, web access checks), each group with only its
## fast tests; prints the kill ratio per package and the survivors, and fails under 90% or on a
## survivor docs/mutation.md does not account for. Not part of `make test`: it is slow (see
## docs/mutation.md for its run time); results are cached in build/mutate/ between runs.
mutate: $(VENV)/.installed-dev
	$(BIN)/python tools/mutate.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build/mutate
