# The two commands: `make run` starts the whole product, `make test` runs the whole test suite.
# Both install what is missing first (infra/bootstrap.sh), so they work on a fresh Debian machine.
.PHONY: run test stop status setup lint bench ui-budget demo deploy

# The project's own Node (infra/bootstrap.sh puts one in .tools/node only when the machine's is missing
# or too old for the UI) comes first for every target that runs node or npm; absent, it changes nothing.
export PATH := $(CURDIR)/.tools/node/bin:$(PATH)

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

# Web UI budget (issue #6): built JS gzip size, long tasks in Chromium over 10,000 chats and a chat
# of 100,000 messages, on the test stack. Prints figures.
ui-budget:
	WITH_BROWSER=1 bash infra/bootstrap.sh
	.venv/bin/python bench/ui_budget.py

# Fill the local archive with a recorded sample session (no WhatsApp needed): stack up, replay the
# recording through the connector's live path, let the ingest worker apply it for 15 s. Groups are
# tracked for the demo so the family group shows its history.
demo: setup
	.venv/bin/python -m devstack up
	set -a && . .data/run/stack-s3rver.env && set +a && \
	  export DEFAULT_TRACK_GROUPS=true && .venv/bin/python -m deeplens_connector replay connector/deeplens_connector/sample/demo-session.rec && \
	  WORKER_WAIT_SECONDS=1 timeout -s INT 15 .venv/bin/python -m deeplens.entrypoints.worker; \
	  test $$? -eq 0 -o $$? -eq 124

# A release to AWS (infra/deploy.sh: build, connector image, sam deploy, migrations, web UI +
# CloudFront invalidation; each step printed). Needs STACK and ECR_REPOSITORY, the SAM and AWS CLIs
# and Docker. Not run on the development machines (no Docker daemon, no AWS account).
deploy:
	bash infra/deploy.sh
