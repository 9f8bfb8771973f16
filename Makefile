# Two entry points, both working from a fresh clone: `make serve` and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# The bundled model is loaded from site-packages; never reach for a hub.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install serve test migrate clean quality bench bench-quick openapi-examples wrk

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

serve: install
	$(VENV)/bin/supportmatch serve

test: install
	$(PY) -m pytest

migrate: install
	$(VENV)/bin/supportmatch migrate

clean:
	rm -rf $(VENV) supportmatch.db supportmatch.db-wal supportmatch.db-shm .pytest_cache

# Benchmarks (benchmarks/RESULTS.md): `bench` runs every one at full size (about half an hour on 2 cores);
# `bench-quick` checks they all run, at small sizes; `quality` is the ranking-quality harness alone.
quality: install
	$(PY) -m benchmarks.quality

bench: install wrk
	$(PY) -m benchmarks

bench-quick: install wrk
	$(PY) -m benchmarks --quick

# The server benchmark's load generator, from Debian's packages (root installs it; others are told how).
wrk:
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } \
		|| { echo "the server benchmark needs wrk: sudo apt-get install wrk"; exit 1; }

# Recapture the OpenAPI response examples (api/examples/) after changing a response shape.
openapi-examples: install
	$(PY) examples/capture_openapi_examples.py
