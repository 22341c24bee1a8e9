"""template.yaml agrees with the code it deploys (read as YAML; CloudFormation tags kept as text)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from deeplens.domain.retry import RetrySchedule
from deeplens.settings import IngestSettings

TEMPLATE = Path(__file__).parents[2] / "template.yaml"


class _CloudFormationLoader(yaml.SafeLoader):
    pass


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return {suffix: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {suffix: loader.construct_sequence(node)}
    return {suffix: loader.construct_mapping(node)}


_CloudFormationLoader.add_multi_constructor("!", _tag)


def _template() -> dict[str, Any]:
    return yaml.load(TEMPLATE.read_text(), Loader=_CloudFormationLoader)


def test_queue_receives_cover_the_retry_budget_with_the_deployed_defaults() -> None:
    parameters = _template()["Parameters"]
    schedule = RetrySchedule(
        parameters["IngestRetryBaseSeconds"]["Default"],
        parameters["IngestRetryMaxSeconds"]["Default"],
        parameters["IngestRetryBudgetSeconds"]["Default"],
    )
    assert parameters["IngestMaxReceiveCount"]["Default"] == schedule.max_receive_count
    defaults = IngestSettings.model_fields
    assert (schedule.base_s, schedule.max_s, schedule.budget_s) == (
        defaults["ingest_retry_base_seconds"].default,
        defaults["ingest_retry_max_seconds"].default,
        defaults["ingest_retry_budget_seconds"].default,
    )


def test_ingest_function_may_delay_its_failed_records() -> None:
    function = _template()["Resources"]["IngestFunction"]["Properties"]
    variables = function["Environment"]["Variables"]
    assert {"INGEST_RETRY_BASE_SECONDS", "INGEST_RETRY_MAX_SECONDS", "INGEST_RETRY_BUDGET_SECONDS"} <= set(
        variables
    )
    actions = [
        action
        for policy in function["Policies"]
        if "Statement" in policy
        for statement in policy["Statement"]
        for action in statement["Action"]
    ]
    assert "sqs:ChangeMessageVisibility" in actions and "sqs:GetQueueUrl" in actions
