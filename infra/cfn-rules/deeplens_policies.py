"""DeepLens policy checks for template.yaml, as cfn-lint rules (run by infra/lint.sh with
`cfn-lint --append-rules infra/cfn-rules`). They see the template after the SAM transform, so the
functions' generated roles and policies are checked too."""

from __future__ import annotations

from typing import Any, ClassVar

from cfnlint.rules import CloudFormationLintRule, RuleMatch

DATA_SERVICES = ("s3", "sqs", "sns", "secretsmanager", "kms", "elasticfilesystem", "logs", "dynamodb")
REQUIRED_ALARMS = {
    "ApproximateNumberOfMessagesVisible": "the ingest DLQ depth",
    "Errors": "ingest errors",
    "ApproximateAgeOfOldestMessage": "the age of the oldest queued message",
    "ConnectorDisconnectedSeconds": "the connector not connected",
}
_PUBLIC_ACCESS_BLOCK = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")


def _resources(cfn: Any, kind: str) -> dict[str, Any]:
    return dict(cfn.get_resources([kind]).items())


def _properties(resource: Any) -> dict[str, Any]:
    properties = resource.get("Properties", {}) if isinstance(resource, dict) else {}
    return properties if isinstance(properties, dict) else {}


class BucketsPrivateAndEncrypted(CloudFormationLintRule):  # type: ignore[misc]
    id = "E9001"
    shortdesc = "Buckets are private and encrypted"
    description = "Every S3 bucket blocks all public access and has default encryption"
    tags: ClassVar[list[str]] = ["deeplens", "s3"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches = []
        for name, bucket in _resources(cfn, "AWS::S3::Bucket").items():
            properties = _properties(bucket)
            path = ["Resources", name, "Properties"]
            if not properties.get("BucketEncryption"):
                matches.append(RuleMatch(path, f"{name}: no BucketEncryption"))
            block = properties.get("PublicAccessBlockConfiguration") or {}
            if not all(block.get(flag) is True for flag in _PUBLIC_ACCESS_BLOCK):
                matches.append(RuleMatch(path, f"{name}: public access not fully blocked"))
        return matches


class NoWildcardActionsOnData(CloudFormationLintRule):  # type: ignore[misc]
    id = "E9002"
    shortdesc = "No wildcard actions on data"
    description = "No Allow statement grants '*' or 'service:*' (or a '*' action) on a data service"
    tags: ClassVar[list[str]] = ["deeplens", "iam"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches = []
        for path, statement in _statements(cfn):
            if statement.get("Effect") != "Allow":
                continue
            actions = statement.get("Action", [])
            for action in actions if isinstance(actions, list) else [actions]:
                if isinstance(action, str) and _wildcard_on_data(action):
                    matches.append(RuleMatch(path, f"wildcard action {action!r} on data"))
        return matches


def _wildcard_on_data(action: str) -> bool:
    if action == "*":
        return True
    service, _, verb = action.partition(":")
    return service.lower() in DATA_SERVICES and "*" in verb


def _statements(cfn: Any) -> list[tuple[list[Any], dict[str, Any]]]:
    found: list[tuple[list[Any], dict[str, Any]]] = []
    for kind in ("AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::S3::BucketPolicy",
                 "AWS::SNS::TopicPolicy"):  # fmt: skip
        for name, resource in _resources(cfn, kind).items():
            properties = _properties(resource)
            documents = [properties.get("PolicyDocument")]
            documents += [
                p.get("PolicyDocument") for p in properties.get("Policies", []) if isinstance(p, dict)
            ]
            for document in documents:
                if isinstance(document, dict):
                    for statement in document.get("Statement", []):
                        if isinstance(statement, dict):
                            found.append((["Resources", name, "Properties"], statement))
    return found


class LogRetentionSet(CloudFormationLintRule):  # type: ignore[misc]
    id = "E9003"
    shortdesc = "Log retention set"
    description = "Every log group has a retention, and every function logs to a declared group"
    tags: ClassVar[list[str]] = ["deeplens", "logs"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches = []
        for name, group in _resources(cfn, "AWS::Logs::LogGroup").items():
            if "RetentionInDays" not in _properties(group):
                matches.append(RuleMatch(["Resources", name, "Properties"], f"{name}: no RetentionInDays"))
        for name, function in _resources(cfn, "AWS::Lambda::Function").items():
            logging = _properties(function).get("LoggingConfig") or {}
            if not logging.get("LogGroup"):
                path = ["Resources", name, "Properties"]
                matches.append(
                    RuleMatch(path, f"{name}: logs to its own group, kept forever (no LoggingConfig)")
                )
        return matches


class AlarmsPresent(CloudFormationLintRule):  # type: ignore[misc]
    id = "E9004"
    shortdesc = "Alarms present"
    description = "The alarms DeepLens relies on exist and notify someone"
    tags: ClassVar[list[str]] = ["deeplens", "cloudwatch"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches = []
        alarms = _resources(cfn, "AWS::CloudWatch::Alarm")
        watched = {_properties(alarm).get("MetricName") for alarm in alarms.values()}
        for metric, what in REQUIRED_ALARMS.items():
            if metric not in watched:
                matches.append(RuleMatch(["Resources"], f"no alarm on {what} ({metric})"))
        for name, alarm in alarms.items():
            if not _properties(alarm).get("AlarmActions"):
                matches.append(RuleMatch(["Resources", name, "Properties"], f"{name}: no AlarmActions"))
        return matches
