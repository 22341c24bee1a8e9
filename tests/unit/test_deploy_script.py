"""infra/deploy.sh (`make deploy`) cannot run here (no Docker daemon, no AWS account): its steps
are checked as text against the template they deploy."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).parents[2]
SCRIPT = ROOT / "infra/deploy.sh"


def test_script_is_valid_bash() -> None:
    subprocess.run(["bash", "-n", str(SCRIPT)], check=True)


def test_steps_run_in_order_and_each_is_printed() -> None:
    text = SCRIPT.read_text().split("set -euo pipefail", 1)[1]  # the commands, not the header
    order = ["sam build --", "docker push", "sam deploy --stack", "aws lambda invoke", "aws s3 sync"]
    order.append("create-invalidation")
    positions = [text.index(command) for command in order]
    assert positions == sorted(positions)
    assert [line.split('"')[1][:3] for line in text.splitlines() if line.startswith('step "')] == [
        "1/6", "2/6", "3/6", "4/6", "5/6", "6/6",
    ]  # fmt: skip


def test_migrations_are_packaged_where_the_migration_function_reads_them() -> None:
    text = SCRIPT.read_text()
    assert "cp -r infra/migrations .aws-sam/build/MigrateFunction/migrations" in text
    assert "MIGRATIONS_DIR: /var/task/migrations" in (ROOT / "template.yaml").read_text()


def test_outputs_the_script_reads_exist() -> None:
    template = (ROOT / "template.yaml").read_text()
    for name in ("MigrateFunctionName", "SiteBucketName", "SiteDistributionId", "SiteUrl",
                 "ConnectorClusterName", "ConnectorServiceName"):  # fmt: skip
        assert f"output {name}" in SCRIPT.read_text() or f"$(output {name})" in SCRIPT.read_text()
        assert f"\n  {name}:\n" in template


def test_deploy_grants_the_capabilities_the_template_transforms_need() -> None:
    """AWS::LanguageExtensions (the connectors per account, Fn::ForEach) needs CAPABILITY_AUTO_EXPAND."""
    deploy = SCRIPT.read_text().split("sam deploy --stack", 1)[1].split("\n\n", 1)[0]
    transforms = (ROOT / "template.yaml").read_text().split("Description:", 1)[0]
    assert "AWS::LanguageExtensions" in transforms
    assert "CAPABILITY_AUTO_EXPAND" in deploy and "CAPABILITY_IAM" in deploy
