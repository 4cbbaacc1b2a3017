# The two commands of the quick start: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/presswatch.duckdb
HOST ?= 127.0.0.1
PORT ?= 8501

.PHONY: run test setup test-setup chromium lint typecheck pytest demo-db bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-install whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

setup: $(VENV)/.installed

test-setup: $(VENV)/.installed-test chromium

# Browser tests drive Debian's chromium (Playwright's own browser download cannot work offline).
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; \
	fi

# The demo corpus is built only when there is no database yet.
demo-db: setup
	@if [ ! -f "$(DB)" ]; then $(BIN)/presswatch demo --db "$(DB)"; fi

run: demo-db
	PRESSWATCH_DB="$(DB)" $(BIN)/streamlit run app.py --server.address $(HOST) --server.port $(PORT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy src tests bench app.py app_pages

# pytest exits 5 when it collected no tests; make treats that (like any failure) as an error.
# DuckDB's bindings may print reference-leak notes after pytest's summary at interpreter exit,
# so the summary line is repeated last, where CI looks for it.
pytest: test-setup
	@set -o pipefail; $(BIN)/pytest -q 2>&1 | tee .pytest.log; status=$$?; \
		echo; grep -E '^[0-9]+ (passed|failed)|no tests ran' .pytest.log | tail -n 1; exit $$status

test: lint typecheck pytest

# The accuracy gates (detection and story floors on the gold sets) and two speed checks of a
# few seconds each, judged by CPU time so a busy machine does not fail them: demo generation
# and the watch-list matcher's linear time on hostile texts. The other speed and memory
# benchmarks take minutes each and are run one by one (bench/README.md).
bench: setup
	$(BIN)/python bench/eval_detection.py --check
	$(BIN)/python bench/eval_stories.py --check
	$(BIN)/python bench/bench_demo.py --check
	$(BIN)/python bench/bench_detect.py --watchlist-only --check
	@echo "Speed and memory benchmarks: see bench/README.md (each takes --check)."

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
