# Every target sets up .venv first (a no-op when it is current).
PY := .venv/bin/python

.PHONY: setup setup-test run test lint bench clean llm-server test-llm

setup:
	@./scripts/setup.sh

# the test tools and a headless Chromium come only with the tests, never with `make run`
setup-test:
	@./scripts/setup.sh test

run: setup
	$(PY) run.py scenarios/baseline.yaml

test: setup-test
	$(PY) -m pytest

lint: setup-test
	$(PY) -m ruff check . && $(PY) -m ruff format --check .

bench: setup
	$(PY) bench/bench_population.py

llm-server:
	./scripts/llm_server.sh

# Starts the local model server, runs the tests marked llm against it, stops the server.
test-llm: setup-test
	./scripts/llm_server.sh --install
	./scripts/llm_server.sh > .cache/llm-server.log 2>&1 & echo $$! > .cache/llm-server.pid; \
	for i in $$(seq 1 120); do curl -sf http://127.0.0.1:$${MURMUR_LLM_PORT:-8080}/v1/models >/dev/null && break; sleep 1; done; \
	$(PY) -m pytest -m llm -o addopts=-q; status=$$?; \
	kill $$(cat .cache/llm-server.pid) 2>/dev/null; exit $$status

clean:
	rm -rf results .pytest_cache
