# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
STAMP  := $(VENV)/.installed

.PHONY: run test install lint translations static clean

NODE_STAMP := node_modules/.installed

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) translations static

translations: $(STAMP)
	$(BIN)/pybabel -q compile --use-fuzzy -d rating/translations

# Fingerprinted copies of static/ and their manifest (rating/static.py), rebuilt each time.
static: $(STAMP)
	$(FLASK) digest clean >/dev/null
	$(FLASK) digest compile >/dev/null

# Serves with the worker beside gunicorn (tools/serve-with-worker); Ctrl-C stops both.
run: install
	$(FLASK) db upgrade
	$(FLASK) audit keygen
	$(FLASK) demo load
	$(FLASK) search rebuild
	tools/serve-with-worker $(BIN)

# Test-only front-end tools (axe-core), from the npm registry at the locked versions.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

test: install $(NODE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/bandit -q -r rating -ll
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) instance .pytest_cache node_modules
