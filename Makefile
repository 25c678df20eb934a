# The two quick-start commands: `make run` and `make test`. Each creates .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test eval bench bench-ingest bench-batch bench-edges bench-api clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,markets-test,spark,postgres,web,browser]'
	touch $(STAMP)

RUN_DB := stockgroups.db

# A fresh store in the working folder, the sample news in it, the dashboard until Ctrl-C.
run: $(STAMP)
	rm -f $(RUN_DB) $(RUN_DB)-wal $(RUN_DB)-shm
	$(BIN)/stockgroups ingest samples/ --db $(RUN_DB) --quiet
	$(BIN)/stockgroups prices import prices_sample/us_daily_2021-06_2022-06.csv --db $(RUN_DB)
	$(BIN)/stockgroups calibrate --db $(RUN_DB)
	$(BIN)/stockgroups watchlist save "Sample portfolio" docs/examples/watchlist.csv --db $(RUN_DB)
	$(BIN)/stockgroups serve --db $(RUN_DB)

test: $(STAMP)
	bash tools/ensure_java.sh
	sh tools/ensure_postgres.sh
	bash tools/ensure_chromium.sh
	$(BIN)/python -m pytest

eval: $(STAMP)
	$(BIN)/stockgroups eval

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_analyze.py

bench-ingest: $(STAMP)
	$(BIN)/python benchmarks/bench_ingest.py

bench-batch: $(STAMP)
	$(BIN)/python benchmarks/bench_batch.py

clean:
	rm -rf $(VENV) build *.egg-info

# Markets: the calibration measured on real dated news (needs ../shared), and the worked example.
.PHONY: calibrate-news kz-example
calibrate-news: $(STAMP)
	$(BIN)/python tools/calibrate_news.py --write

kz-example: $(STAMP)
	$(BIN)/python tools/kz_event_study.py
.PHONY: lint eval-external

# Lint: ruff with the rules in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check .

# The real-news gate: the shared scorer's figures against eval/external_floors.json (needs ../shared).
SHARED ?= ../shared
eval-external: $(STAMP)
	$(BIN)/stockgroups eval --external --shared $(SHARED) --product $(BIN)/stockgroups

bench-edges: $(STAMP)
	$(BIN)/python benchmarks/bench_edges.py

bench-api: $(STAMP)
	$(BIN)/python benchmarks/bench_api.py
