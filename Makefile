# nextsteps: `make help` lists the targets.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,parquet,excel,dask]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install nextsteps with its dev tools

demo: $(STAMP) ## Interpret an example email with the shipped model
	$(BIN)/nextsteps interpret examples/second_round.eml

test: $(STAMP) ## Run ruff and the whole test suite
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/pytest -q

lint: $(STAMP) ## Check formatting and lint with ruff
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

format: $(STAMP) ## Format the code with ruff
	$(BIN)/ruff format src tests scripts
	$(BIN)/ruff check --fix src tests scripts

corpus: $(STAMP) ## Rebuild data/corpus.jsonl from the hand-written sources in data/sources/
	$(BIN)/nextsteps data build data/sources --out data/corpus.jsonl

data-check: $(STAMP) ## Validate the corpus (or FILE=path/to/your.jsonl)
	$(BIN)/nextsteps data check $(or $(FILE),data/corpus.jsonl)

train: $(STAMP) ## Retrain the shipped model from data/corpus.jsonl
	$(BIN)/nextsteps train --data data/corpus.jsonl --out models/shipped

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info src/*.egg-info


data-card: $(STAMP) ## Refresh the counts in data/README.md from data/corpus.jsonl
	$(BIN)/python scripts/refresh_data_card.py

bench: $(STAMP) ## Run every benchmark and write docs/benchmarks.md
	$(BIN)/python scripts/bench_all.py

.PHONY: help install demo test lint format corpus data-check data-card train bench clean
