# Two commands: `make run` and `make test`. Both bootstrap .venv on first use and reinstall
# when pyproject.toml changes, so a fresh clone needs nothing else. `make run` installs the
# runtime dependencies only; `make test` adds the dev extra, `make bench` the bench extra too (the
# benchmarks' baselines, e.g. SudachiPy and rank-bm25; some benches reuse the test fakes).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN_STAMP   := $(VENV)/.installed-run
DEV_STAMP   := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: run test lint bench mutate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(RUN_STAMP) $@

$(BENCH_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	touch $(RUN_STAMP) $(DEV_STAMP) $@

run: $(RUN_STAMP)
	$(BIN)/ceasefire-bot run $(ARGS)

# Two workers (pytest-xdist), a test file's tests kept in one worker; PYTEST_XDIST= runs serially.
PYTEST_XDIST ?= -n 2 --dist loadfile

test: $(DEV_STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_XDIST) $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# Mutation score of the safety-critical paths (issue 18); ARGS="pacing --keep" narrows it.
mutate: $(DEV_STAMP)
	$(BIN)/python bench/mutation.py $(ARGS)

bench: $(BENCH_STAMP)
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info mutants mutants.log
