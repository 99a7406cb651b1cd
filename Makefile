# Every target sets up .venv first (a no-op when it is current).
PY := .venv/bin/python

.PHONY: setup run test lint bench clean

setup:
	@./scripts/setup.sh

run: setup
	$(PY) run.py scenarios/baseline.yaml

test: setup
	$(PY) -m pytest

lint: setup
	$(PY) -m ruff check . && $(PY) -m ruff format --check .

bench: setup
	$(PY) bench/bench_mock.py

clean:
	rm -rf results .pytest_cache
