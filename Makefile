# The two commands: `make run` starts the whole product, `make test` runs the whole test suite.
# Both install what is missing first (infra/bootstrap.sh), so they work on a fresh Debian machine.
.PHONY: run test stop status setup lint bench

run: setup
	.venv/bin/python -m devstack run

test:
	bash infra/test.sh

stop:
	.venv/bin/python -m devstack down
	.venv/bin/python -m devstack down --profile test

status:
	.venv/bin/python -m devstack status

setup:
	bash infra/bootstrap.sh

lint: setup
	bash infra/lint.sh

bench: setup
	.venv/bin/python bench/ingest_bench.py
