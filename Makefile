# Set-up, serving and checks. `make serve` on a fresh machine installs everything,
# pulls the embedded default model and starts the API; `make test` runs the tests.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
LINGOSUM := $(VENV)/bin/lingosum

.PHONY: install model serve test lint bench load

install: $(VENV)/.installed

# llama.cpp is compiled for this CPU, but without its AMX kernels: on Sapphire Rapids hosts here
# their first tile load faults (SIGSEGV in ggml_backend_amx_mul_mat) for any prompt over one token.
# --no-cache-dir keeps a wheel built with other flags from being reused.
NO_AMX := CFLAGS="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16" CXXFLAGS="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"

# torch==2.13.0 is pinned first: it is the CPU build, and an unpinned torch pulls a CUDA one.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet torch==2.13.0
	$(NO_AMX) $(PYTHON) -m pip install --quiet --no-cache-dir "llama-cpp-python>=0.3.8"
	$(PYTHON) -m pip install --quiet -e ".[hf,dev,eval]"
	touch $@

model: install
	$(LINGOSUM) models pull

serve: model
	$(LINGOSUM) serve

# pytest exits 5 when it collects no test: that is a broken suite, not a pass.
test: model
	@$(PYTHON) -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; \
	exit $$status

lint: install
	$(VENV)/bin/ruff check service tests scripts benchmarks
	$(VENV)/bin/ruff format --check service tests scripts benchmarks
	$(VENV)/bin/mypy

# Speed against the transformers baseline and the hardware floor (about an hour), then against
# the hand-written llama-cpp-python script, side by side (about 10 minutes).
bench: model
	$(PYTHON) -m benchmarks.bench
	$(PYTHON) -m benchmarks.vs_script

# Mixed concurrent load on the real default model, on loopback (4 minutes, plus start-up and the
# jobs' drain): requests by status, latency, /healthz, server RSS and job items lost or done
# twice; see docs/load.md.
load: model
	$(PYTHON) -m benchmarks.load --clients 4 --duration 240 --json benchmarks/results/load.json
