# Backprop Lab. `make lab` opens the course; `make test` runs every test. Both set up
# the virtual environment in .venv on first use (Python 3.11 or newer).

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)
PYTEST_ARGS ?=
LAB_ARGS ?=

.PHONY: lab test test-fast release check-release grade gate clean

UV_VERSION := 0.13.10
# uv installs the same pinned wheels as pip, several times faster; where it cannot (no uv
# for this platform, an index only pip's own configuration names), pip installs them.
# UV_SYSTEM_CERTS: uv trusts the system's certificate authorities, as pip and curl do here
# (otherwise only its own built-in list, which a proxy's authority is not on).
INSTALL = UV_SYSTEM_CERTS=1 $(PY) -m uv pip install --quiet --python $(PY) $(1) \
	|| $(PY) -m pip install --quiet $(1)

$(VENV)/.runtime: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet uv==$(UV_VERSION) || echo "uv did not install: pip installs the requirements"
	$(call INSTALL,-r requirements.txt)
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.grading: $(VENV)/.runtime requirements-grading.txt
	$(call INSTALL,-r requirements-grading.txt)
	touch $@

$(VENV)/.dev: $(VENV)/.grading requirements-dev.txt
	$(call INSTALL,-r requirements-dev.txt)
	touch $@

## lab: open JupyterLab on the course, at the course map (notebooks/00_start_here)
lab: $(VENV)/.runtime
	$(VENV)/bin/jupyter lab $(ALLOW_ROOT) --ServerApp.root_dir=notebooks $(LAB_ARGS) \
		notebooks/00_start_here/00_start_here.ipynb

## test: every test: package, course build and drift, nbgrader gate, real browser
test: $(VENV)/.dev
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

## test-fast: everything except nbgrader runs, notebook builds and the browser
test-fast: $(VENV)/.dev
	$(PY) -m pytest -n 2 -m "not slow and not browser" $(PYTEST_ARGS)

## release: rebuild notebooks/ and solutions/ from source/
release: $(VENV)/.runtime
	$(PY) -m autograder.authoring.build

## check-release: report any drift between source/ and the committed notebooks
check-release: $(VENV)/.runtime
	$(PY) -m autograder.authoring.build --check

## grade: grade a class's submissions (a folder or a zip), e.g. make grade SUBMISSIONS=~/hw
grade: $(VENV)/.grading
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=<folder or zip> [OUT=build/grading]"; exit 2; }
	$(PY) -m autograder.pipeline.grade "$(SUBMISSIONS)" --out "$(or $(OUT),build/grading)" $(GRADE_ARGS)

## gate: the test-the-tests gate for one assignment, e.g. make gate A=01_loss_functions
gate: $(VENV)/.dev
	$(PY) -m autograder.authoring.gate $(A)

## bench: speed benchmarks, each figure beside its baseline; see bench/README.md
.PHONY: bench
bench: $(VENV)/.dev
	$(PY) -m bench

clean:
	rm -rf build .pytest_cache
