# The two quick-start commands: `make run` and `make test`. Each creates .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test eval bench bench-ingest bench-api clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,web,browser]'
	touch $(STAMP)

RUN_DB := stockgroups.db

# A fresh store in the working folder, the sample news in it, the dashboard until Ctrl-C.
run: $(STAMP)
	rm -f $(RUN_DB) $(RUN_DB)-wal $(RUN_DB)-shm
	$(BIN)/stockgroups ingest samples/ --db $(RUN_DB) --quiet
	$(BIN)/stockgroups watchlist save "Sample portfolio" docs/examples/watchlist.csv --db $(RUN_DB)
	$(BIN)/stockgroups serve --db $(RUN_DB)

test: $(STAMP)
	bash tools/ensure_chromium.sh
	$(BIN)/python -m pytest

eval: $(STAMP)
	$(BIN)/stockgroups eval

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_analyze.py

bench-ingest: $(STAMP)
	$(BIN)/python benchmarks/bench_ingest.py

clean:
	rm -rf $(VENV) build *.egg-info

bench-api: $(STAMP)
	$(BIN)/python benchmarks/bench_api.py
