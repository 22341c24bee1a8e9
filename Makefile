# The two commands: `make run` starts the whole product, `make test` runs the whole test suite.
# Both install what is missing first (infra/bootstrap.sh), so they work on a fresh Debian machine.
.PHONY: run test stop status setup lint bench demo

run: setup
	cd frontend && npm run build --silent
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

# Fill the local archive with a recorded sample session (no WhatsApp needed): stack up, replay the
# recording through the connector's live path, let the ingest worker apply it for 15 s.
demo: setup
	.venv/bin/python -m devstack up
	set -a && . .data/run/stack-s3rver.env && set +a && \
	  .venv/bin/python -m deeplens_connector replay connector/deeplens_connector/sample/demo-session.rec && \
	  WORKER_WAIT_SECONDS=1 timeout -s INT 15 .venv/bin/python -m deeplens.entrypoints.worker; \
	  test $$? -eq 0 -o $$? -eq 124
