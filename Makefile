# Developer and CI entry points. Every target but clean creates .venv and installs what it needs.
# Choose another interpreter with `make PY=python3.12 test`.

PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

# The install stamp is named after a hash of pyproject.toml: editing dependencies or tool
# settings reinstalls once; re-running any target with an unchanged file installs nothing.
PYPROJECT_HASH := $(shell $(PY) -c "import hashlib; print(hashlib.sha256(open('pyproject.toml', 'rb').read()).hexdigest()[:16])")
STAMP := $(VENV)/.installed-$(PYPROJECT_HASH)

.PHONY: venv demo preview test lint bench clean

venv: $(STAMP)

$(STAMP):
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	rm -f $(VENV)/.installed-*
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# The end-to-end demo: a month of the demo company billed through every real part.
demo: $(STAMP)
	$(BIN)/autobill demo

preview: $(STAMP)
	$(BIN)/autobill preview --dataset examples/demo-company.yaml --as-of 2026-12-31 --format table

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# pytest exits 5 when it collected no tests: that is a failure here, never a quiet pass.
test: lint
	@$(BIN)/pytest; status=$$?; \
	if [ $$status -eq 5 ]; then \
	  echo "error: pytest collected no tests; a run without tests must not pass" >&2; \
	  exit 1; \
	fi; \
	exit $$status

bench: $(STAMP)
	$(BIN)/python bench/preview.py
	$(BIN)/python bench/intacct_api.py
	$(BIN)/python bench/event_latency.py
	$(BIN)/python bench/billing_run.py

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache .hypothesis .import_linter_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -name '*.egg-info' -type d -prune -exec rm -rf {} +
