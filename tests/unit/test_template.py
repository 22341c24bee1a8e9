"""template.yaml agrees with the code it deploys (read as YAML; CloudFormation tags kept as text)."""

from __future__ import annotations

import importlib
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from deeplens.adapters.object_store import make_s3_client
from deeplens.bootstrap import make_pool
from deeplens.domain.batch import batch_key
from deeplens.domain.retry import RetrySchedule
from deeplens.services.connector_health import METRIC, NAMESPACE
from deeplens.services.export_jobs import export_key
from deeplens.services.import_jobs import upload_key
from deeplens.services.transfer_jobs import QUEUED_STALE_S
from deeplens.settings import ApiSettings, IngestSettings, S3Settings
from deeplens_connector import exits
from deeplens_connector.stopping import DEFAULT_DRAIN_S, watcher_stop_wait_s

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
    """The template, its Fn::ForEach loops moved from Resources to "ForEach" (see _for_account)."""
    template: dict[str, Any] = yaml.load(TEMPLATE.read_text(), Loader=_CloudFormationLoader)
    resources = template["Resources"]
    template["ForEach"] = {k: resources.pop(k) for k in list(resources) if k.startswith("Fn::ForEach::")}
    return template


def _expand(node: Any, name: str, value: str) -> Any:
    """What AWS::LanguageExtensions makes of a loop fragment for one item: ${name} replaced in keys
    and Fn::Sub strings, Ref name replaced by the item."""
    if isinstance(node, dict):
        if node == {"Ref": name}:
            return value
        if set(node) == {"Sub"} and isinstance(node["Sub"], str):
            return node["Sub"].replace("${" + name + "}", value)
        return {k.replace("${" + name + "}", value): _expand(v, name, value) for k, v in node.items()}
    if isinstance(node, list):
        return [_expand(item, name, value) for item in node]
    return node


def _for_account(account: str) -> dict[str, Any]:
    """The resources the AccountConnectors loop generates for one account of AccountIds."""
    name, collection, fragment = _template()["ForEach"]["Fn::ForEach::AccountConnectors"]
    assert collection == {"Ref": "AccountIds"}
    expanded: dict[str, Any] = _expand(fragment, name, account)
    return expanded


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


# --- issue #14: the AWS path ready to deploy and run for months ----------------------------------


def _resources(kind: str) -> dict[str, dict[str, Any]]:
    return {name: res for name, res in _template()["Resources"].items() if res["Type"] == kind}


def _functions() -> dict[str, dict[str, Any]]:
    return {name: res["Properties"] for name, res in _resources("AWS::Serverless::Function").items()}


def test_migration_function_runs_in_the_vpc_alone_with_the_packaged_migrations() -> None:
    template = _template()
    migrate = _functions()["MigrateFunction"]
    assert migrate["Handler"] == "deeplens/entrypoints/migrate.handler"
    assert migrate["ReservedConcurrentExecutions"] == 1
    assert migrate["Environment"]["Variables"]["MIGRATIONS_DIR"] == "/var/task/migrations"
    assert int(migrate["Environment"]["Variables"]["MIGRATE_LOCK_TIMEOUT_SECONDS"]) < migrate["Timeout"]
    assert "VpcConfig" in template["Globals"]["Function"]  # every function, this one too
    assert template["Outputs"]["MigrateFunctionName"]["Value"] == {"Ref": "MigrateFunction"}


def test_every_function_logs_to_a_declared_group_with_retention() -> None:
    groups = _resources("AWS::Logs::LogGroup")
    for name, function in _functions().items():
        group = function["LoggingConfig"]["LogGroup"]["Ref"]
        assert group in groups, name
    for name, group in groups.items():
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}, name


def test_ingest_has_no_snapstart_and_the_api_keeps_it() -> None:
    functions = _functions()
    assert "SnapStart" not in functions["IngestFunction"]
    assert "AutoPublishAlias" not in functions["IngestFunction"]
    assert functions["ApiFunction"]["SnapStart"] == {"ApplyOn": "PublishedVersions"}


def test_database_connections_at_full_concurrency_stay_under_max_connections() -> None:
    parameters = _template()["Parameters"]
    functions = _functions()
    api_pool = int(functions["ApiFunction"]["Environment"]["Variables"]["DB_POOL_SIZE"])
    assert functions["ApiFunction"]["ReservedConcurrentExecutions"] == {"Ref": "ApiReservedConcurrency"}
    scaling = functions["IngestFunction"]["Events"]["Queue"]["Properties"]["ScalingConfig"]
    assert scaling["MaximumConcurrency"] == {"Ref": "IngestMaxConcurrency"}
    ingest_pool = make_pool.__defaults__[0]  # type: ignore[index]  # ingest_deps_from: make_pool(url)
    reconcile = migrate = connector = 1
    superuser_reserved = 3
    jobs = functions["TransferJobFunction"]
    job_pool = int(jobs["Environment"]["Variables"]["DB_POOL_SIZE"]) + 1  # + an export's own connection
    used = (
        parameters["ApiReservedConcurrency"]["Default"] * api_pool
        + parameters["IngestMaxConcurrency"]["Default"] * ingest_pool
        + jobs["ReservedConcurrentExecutions"] * job_pool
        + reconcile + migrate + connector + superuser_reserved
    )  # fmt: skip
    assert used <= parameters["DatabaseMaxConnections"]["Default"]
    assert functions["ReconcileFunction"]["ReservedConcurrentExecutions"] == 1


def test_http_api_is_throttled() -> None:
    settings = _template()["Resources"]["HttpApi"]["Properties"]["DefaultRouteSettings"]
    assert settings == {
        "ThrottlingRateLimit": {"Ref": "ApiThrottleRate"},
        "ThrottlingBurstLimit": {"Ref": "ApiThrottleBurst"},
    }


def _alarm_on(metric: str) -> dict[str, Any]:
    (alarm,) = [
        res["Properties"]
        for res in _resources("AWS::CloudWatch::Alarm").values()
        if res["Properties"]["MetricName"] == metric
    ]
    return alarm


def test_alarms_watch_the_dlq_ingest_errors_queue_age_and_the_connector() -> None:
    dlq = _alarm_on("ApproximateNumberOfMessagesVisible")
    assert dlq["Dimensions"][0]["Value"] == {"GetAtt": "IngestDLQ.QueueName"}
    assert (dlq["Threshold"], dlq["ComparisonOperator"]) == (0, "GreaterThanThreshold")
    assert _alarm_on("Errors")["Dimensions"][0]["Value"] == {"Ref": "IngestFunction"}
    assert _alarm_on("ApproximateAgeOfOldestMessage")["Dimensions"][0]["Value"] == {
        "GetAtt": "IngestQueue.QueueName"
    }
    connector = _alarm_on(METRIC)
    assert connector["Namespace"] == NAMESPACE and connector["Threshold"] == 600
    assert connector["TreatMissingData"] == "breaching"
    for alarm in _resources("AWS::CloudWatch::Alarm").values():
        assert alarm["Properties"]["AlarmActions"] == [
            {"If": ["CreateAlarmTopic", {"Ref": "AlarmTopic"}, {"Ref": "AlarmTopicArn"}]}
        ]


def test_reconcile_runs_often_enough_for_the_ten_minute_connector_alarm() -> None:
    schedule = _functions()["ReconcileFunction"]["Events"]["Every5Minutes"]["Properties"]["Schedule"]
    assert schedule == "rate(5 minutes)"
    assert _alarm_on(METRIC)["Period"] >= 2 * 300


def test_redis_uses_tls_and_a_secret_password() -> None:
    template = _template()
    assert template["Parameters"]["RedisTls"]["Default"] == "true"
    variables = _functions()["ApiFunction"]["Environment"]["Variables"]
    assert variables["REDIS_TLS"] == {"Ref": "RedisTls"}
    assert "secretsmanager" in str(variables["REDIS_PASSWORD"])
    assert {"REDIS_TLS", "REDIS_USERNAME", "REDIS_PASSWORD"} <= {
        name.upper() for name in ApiSettings.model_fields
    }


def _connector() -> tuple[dict[str, Any], dict[str, Any]]:
    task = _template()["Resources"]["ConnectorTaskDefinition"]["Properties"]
    (container,) = [c for c in task["ContainerDefinitions"] if c["Name"] == "connector"]
    return task, container


def test_connector_restarts_on_crashes_but_not_on_its_deliberate_stop_codes() -> None:
    task, container = _connector()
    deliberate = {exits.REPLACED, exits.OUTDATED, exits.SESSION_BUSY, exits.CONFIG}
    policy = container["RestartPolicy"]
    assert policy["Enabled"] is True and set(policy["IgnoredExitCodes"]) == deliberate
    assert exits.FAILED not in policy["IgnoredExitCodes"]
    assert container["Essential"] is False  # a deliberate stop leaves the task (and the account) alone
    (hold,) = [c for c in task["ContainerDefinitions"] if c["Name"] != "connector"]
    assert hold["Essential"] is True
    rule = _template()["Resources"]["DeliberateStopRule"]["Properties"]
    assert set(rule["EventPattern"]["detail"]["containers"]["exitCode"]) == deliberate


def test_one_connector_task_per_account_never_two() -> None:
    service = _template()["Resources"]["ConnectorService"]["Properties"]
    assert service["DesiredCount"] == 1
    deployment = service["DeploymentConfiguration"]
    assert (deployment["MinimumHealthyPercent"], deployment["MaximumPercent"]) == (0, 100)


def test_every_other_account_gets_its_own_connector_service_never_two_tasks() -> None:
    resources = _for_account("sales")
    kinds = ("SpoolAccessPoint", "TaskRole", "TaskDefinition", "Service", "DisconnectedAlarm")
    assert set(resources) == {f"AccountConnectorsales{kind}" for kind in kinds}
    # the default AccountIds "" is [""]: nothing of the loop is created then
    assert all(resource["Condition"] == "HasAccountConnectors" for resource in resources.values())
    parameter = _template()["Parameters"]["AccountIds"]
    assert parameter["Default"] == ""
    service = resources["AccountConnectorsalesService"]["Properties"]
    definition = {"GetAtt": ["AccountConnectorsalesTaskDefinition", "TaskDefinitionArn"]}
    assert service["TaskDefinition"] == definition
    assert service["DesiredCount"] == 1
    deployment = service["DeploymentConfiguration"]
    assert (deployment["MinimumHealthyPercent"], deployment["MaximumPercent"]) == (0, 100)
    assert service["AvailabilityZoneRebalancing"] == "DISABLED"


def test_session_id_is_never_listed_again_nor_its_service_doubled() -> None:
    template = _template()
    (assertion,) = template["Rules"]["AccountIdsWithoutSessionId"]["Assertions"]
    assert assertion["Assert"] == {"Not": [{"Contains": [{"Ref": "AccountIds"}, {"Ref": "SessionId"}]}]}
    name, collection, fragment = template["Outputs"]["Fn::ForEach::AccountConnectorOutputs"]
    assert collection == {"Ref": "AccountIds"}
    output = _expand(fragment, name, "sales")["AccountConnectorsalesServiceName"]
    assert output["Value"] == {"GetAtt": ["AccountConnectorsalesService", "Name"]}
    assert "AccountConnectorsalesService" in _for_account("sales")


def test_an_account_connector_is_the_primary_one_but_for_its_account_store_spool_and_logs() -> None:
    primary = _template()["Resources"]
    resources = _for_account("sales")
    task = resources["AccountConnectorsalesTaskDefinition"]["Properties"]
    connector = task["ContainerDefinitions"][0]
    environment = {e["Name"]: e["Value"] for e in connector["Environment"]}
    assert environment["SESSION_ID"] == "sales"
    branches = connector["Secrets"]["If"][1:]
    secrets = [s for branch in branches for s in branch if s["Name"] == "SESSION_STORE_URL"]
    assert {s["ValueFrom"] for s in secrets} == {"${SessionStoreSecretPrefix}sales"}
    access_point = resources["AccountConnectorsalesSpoolAccessPoint"]["Properties"]
    assert access_point["RootDirectory"]["Path"] == "/deeplens-accounts/sales"
    assert not access_point["RootDirectory"]["Path"].startswith(
        primary["SpoolAccessPoint"]["Properties"]["RootDirectory"]["Path"] + "/"
    )  # never inside the primary's spool
    role = resources["AccountConnectorsalesTaskRole"]["Properties"]
    mount = role["Policies"][0]["PolicyDocument"]["Statement"][2]
    assert mount["Condition"]["StringEquals"]["elasticfilesystem:AccessPointArn"] == {
        "GetAtt": ["AccountConnectorsalesSpoolAccessPoint", "Arn"]
    }
    prefixes = {
        c["Name"]: c["LogConfiguration"]["Options"]["awslogs-stream-prefix"]
        for c in task["ContainerDefinitions"]
    }
    assert prefixes == {"connector": "connector-sales", "hold": "hold-sales"}
    # everything else as the primary's (a change to one must reach the other)
    primary_task = primary["ConnectorTaskDefinition"]["Properties"]
    differs = {"TaskRoleArn", "Volumes", "ContainerDefinitions"}
    assert {k: v for k, v in task.items() if k not in differs} == {
        k: v for k, v in primary_task.items() if k not in differs
    }
    for ours, theirs in zip(task["ContainerDefinitions"], primary_task["ContainerDefinitions"], strict=True):
        same = ("Environment", "Secrets", "LogConfiguration")
        assert {k: v for k, v in ours.items() if k not in same} == {
            k: v for k, v in theirs.items() if k not in same
        }
        names = [e["Name"] for e in theirs.get("Environment", [])]
        assert [e["Name"] for e in ours.get("Environment", [])] == names
    primary_service = primary["ConnectorService"]["Properties"]
    service = resources["AccountConnectorsalesService"]["Properties"]
    assert {k: v for k, v in service.items() if k != "TaskDefinition"} == {
        k: v for k, v in primary_service.items() if k != "TaskDefinition"
    }


def test_each_account_has_its_disconnected_alarm_and_its_store_secret_is_readable() -> None:
    alarm = _for_account("sales")["AccountConnectorsalesDisconnectedAlarm"]["Properties"]
    primary = _template()["Resources"]["ConnectorDisconnectedAlarm"]["Properties"]
    assert (alarm["Namespace"], alarm["MetricName"]) == (NAMESPACE, METRIC)
    assert alarm["Dimensions"] == [{"Name": "SessionId", "Value": "sales"}]
    same = {k: v for k, v in primary.items() if k not in ("Dimensions", "AlarmDescription")}
    assert {k: v for k, v in alarm.items() if k in same} == same
    role = _template()["Resources"]["ConnectorExecutionRole"]["Properties"]
    statements = role["Policies"][0]["PolicyDocument"]
    resources = [statement["Resource"] for statement in statements["Statement"]]
    assert {"Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:"
                   "${SessionStoreSecretPrefix}*"} in resources  # fmt: skip


def test_connector_spool_is_on_efs_and_its_stop_grace_covers_the_drain() -> None:
    task, container = _connector()
    (volume,) = task["Volumes"]
    assert volume["EFSVolumeConfiguration"]["TransitEncryption"] == "ENABLED"
    (mount,) = container["MountPoints"]
    environment = {item["Name"]: item["Value"] for item in container["Environment"]}
    assert mount["ContainerPath"] == environment["DEEPLENS_DATA_DIR"] == "/data"
    assert environment["CONNECTOR_DRAIN_S"] == {"Ref": "ConnectorDrainSeconds"}
    drain = _template()["Parameters"]["ConnectorDrainSeconds"]
    assert drain["Default"] == DEFAULT_DRAIN_S
    longest = watcher_stop_wait_s({"CONNECTOR_DRAIN_S": str(drain["MaxValue"])})
    assert longest < container["StopTimeout"] <= 120
    assert _template()["Resources"]["SpoolFileSystem"]["Properties"]["Encrypted"] is True


def test_functions_architecture_is_a_parameter() -> None:
    template = _template()
    assert template["Globals"]["Function"]["Architectures"] == [{"Ref": "Architecture"}]
    assert set(template["Parameters"]["Architecture"]["AllowedValues"]) == {"arm64", "x86_64"}


def test_untracked_content_expires_after_the_retention_parameter_and_the_log_never() -> None:
    template = _template()
    parameter = template["Parameters"]["UntrackedRetentionDays"]
    assert (parameter["Default"], parameter["MinValue"]) == (
        ApiSettings.model_fields["untracked_retention_days"].default,
        0,
    )
    bucket = template["Resources"]["EventsBucket"]["Properties"]
    rules = {rule["Id"]: rule for rule in bucket["LifecycleConfiguration"]["Rules"]}
    untracked = rules["expire-untracked"]
    assert (untracked["Status"], untracked["Prefix"]) == ("Enabled", "untracked/")
    assert untracked["ExpirationInDays"] == {"If": ["HoldsUntracked", {"Ref": "UntrackedRetentionDays"}, 1]}
    assert untracked["NoncurrentVersionExpiration"] == {"NoncurrentDays": 1}  # the bucket is versioned
    assert rules["expire-untracked-delete-markers"]["ExpiredObjectDeleteMarker"] is True
    expiring = [
        rule for rule in rules.values() if "ExpirationInDays" in rule or "ExpiredObjectDeleteMarker" in rule
    ]
    assert all(rule.get("Prefix") == "untracked/" for rule in expiring)  # events/ never expires
    connector = template["Resources"]["ConnectorTaskDefinition"]["Properties"]["ContainerDefinitions"][0]
    assert {"Name": "UNTRACKED_RETENTION_DAYS", "Value": {"Ref": "UntrackedRetentionDays"}} in connector[
        "Environment"
    ]
    functions = template["Globals"]["Function"]["Environment"]["Variables"]
    assert functions["UNTRACKED_RETENTION_DAYS"] == {"Ref": "UntrackedRetentionDays"}


def test_the_api_may_forget_held_content_and_nothing_else_of_the_event_log() -> None:
    api = _template()["Resources"]["ApiFunction"]["Properties"]
    assert api["Environment"]["Variables"]["EVENTS_BUCKET"] == {"Ref": "EventsBucket"}
    statements = [s for policy in api["Policies"] if "Statement" in policy for s in policy["Statement"]]
    events = [s for s in statements if "EventsBucket" in str(s["Resource"])]
    assert {s["Action"]: s["Resource"] for s in events} == {
        "s3:ListBucket": {"GetAtt": "EventsBucket.Arn"},
        "s3:DeleteObject": {"Sub": "${EventsBucket.Arn}/untracked/*"},
    }
    assert events[0]["Condition"] == {"StringLike": {"s3:prefix": "untracked/*"}}


# --- issue #13: import/export jobs, their uploads and downloads on AWS --------------------------


def test_every_function_handler_is_a_callable_of_the_code() -> None:
    for name, function in _functions().items():
        module, attribute = function["Handler"].rsplit(".", 1)
        handler = getattr(importlib.import_module(module.replace("/", ".")), attribute)
        assert callable(handler), name


def test_the_api_queues_jobs_for_the_job_function_which_may_run_them_to_the_end() -> None:
    template = _template()
    functions = _functions()
    api, jobs = functions["ApiFunction"], functions["TransferJobFunction"]
    assert api["Environment"]["Variables"]["TRANSFER_QUEUE_URL"] == {"Ref": "TransferJobQueue"}
    assert "transfer_queue_url" in ApiSettings.model_fields
    assert "INGEST_QUEUE_URL" not in api["Environment"]["Variables"]  # the job function publishes
    assert jobs["Handler"] == "deeplens/entrypoints/transfer_job.handler"
    assert jobs["Environment"]["Variables"]["INGEST_QUEUE_URL"] == {"Ref": "IngestQueue"}
    source = jobs["Events"]["Jobs"]["Properties"]
    assert source["Queue"] == {"GetAtt": "TransferJobQueue.Arn"} and source["BatchSize"] == 1
    assert source["ScalingConfig"]["MaximumConcurrency"] == jobs["ReservedConcurrentExecutions"]
    queue = template["Resources"]["TransferJobQueue"]["Properties"]
    assert jobs["Timeout"] == 900 and queue["VisibilityTimeout"] > jobs["Timeout"]
    # the queue keeps a message at least as long as its job counts as waiting (then: cut off)
    assert queue["MessageRetentionPeriod"] >= QUEUED_STALE_S
    # an import reads its whole upload into /tmp
    import_max = ApiSettings.model_fields["import_max_bytes"].default
    assert jobs["EphemeralStorage"]["Size"] * 1024**2 >= 2 * import_max


def _statements(function: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for policy in function["Policies"] if "Statement" in policy for s in policy["Statement"]]


def test_transfer_permissions_are_the_least_each_side_needs() -> None:
    functions = _functions()
    api = {s["Action"]: s["Resource"] for s in _statements(functions["ApiFunction"])}
    assert api["s3:PutObject"] == {"Sub": "${MediaBucket.Arn}/uploads/*"}  # the signed upload POST
    assert {"SQSSendMessagePolicy": {"QueueName": {"GetAtt": "TransferJobQueue.QueueName"}}} in functions[
        "ApiFunction"
    ]["Policies"]
    jobs = _statements(functions["TransferJobFunction"])
    granted = {(s["Action"], s["Resource"]["Sub"]) for s in jobs}
    assert granted == {
        ("s3:PutObject", "${MediaBucket.Arn}/*"),
        ("s3:AbortMultipartUpload", "${MediaBucket.Arn}/exports/*"),
        ("s3:DeleteObject", "${MediaBucket.Arn}/uploads/*"),
        ("s3:PutObject", "${EventsBucket.Arn}/events/*"),
    }
    session, job = "primary_agent", uuid.uuid4()
    assert export_key(session, job).startswith("exports/")
    assert upload_key(session, job, "chat.zip").startswith("uploads/")
    assert batch_key(session, "b1", 0).startswith("events/")


def test_media_bucket_lets_the_web_origin_upload_and_download() -> None:
    template = _template()
    bucket = template["Resources"]["MediaBucket"]["Properties"]
    (rule,) = bucket["CorsConfiguration"]["CorsRules"]
    assert {"POST", "GET", "HEAD"} == set(rule["AllowedMethods"])
    assert rule["AllowedOrigins"] == [
        {"If": ["DefaultWebOrigin", "https://*.cloudfront.net", {"Ref": "WebOrigin"}]}
    ]
    assert template["Conditions"]["DefaultWebOrigin"] == {"Equals": [{"Ref": "WebOrigin"}, ""]}
    assert "Content-Disposition" in rule["ExposedHeaders"]


def test_uploads_and_exports_expire_after_the_transfer_retention_parameter() -> None:
    bucket = _template()["Resources"]["MediaBucket"]["Properties"]
    rules = {rule["Prefix"]: rule for rule in bucket["LifecycleConfiguration"]["Rules"]}
    assert set(rules) == {"uploads/", "exports/"}  # media itself never expires
    for rule in rules.values():
        assert rule["Status"] == "Enabled"
        assert rule["ExpirationInDays"] == {"Ref": "TransferRetentionDays"}
        assert rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] == 1
    link_s = ApiSettings.model_fields["export_link_seconds"].default
    retention = _template()["Parameters"]["TransferRetentionDays"]
    assert retention["MinValue"] * 86400 >= link_s  # a download link never outlives its zip


def test_on_aws_presigned_urls_are_on_the_bucket_host_the_site_csp_allows() -> None:
    """The browser POSTs import files to, and is redirected for media and downloads to, the URLs the
    S3 client signs: without an endpoint (AWS) they are virtual-hosted, on the bucket's own host
    name (RegionalDomainName / DomainName), which the CloudFront CSP names in connect-src/img-src."""
    bucket = "deeplens-mediabucket-abc123"
    for region, host in (("eu-central-1", f"{bucket}.s3.eu-central-1.amazonaws.com"),
                         ("us-east-1", f"{bucket}.s3.amazonaws.com")):  # fmt: skip
        settings = S3Settings(
            minio_endpoint=None, minio_bucket=bucket, aws_region=region,
            minio_access_key="AKIDEXAMPLE", minio_secret_key="secret",
        )  # fmt: skip
        client = make_s3_client(settings)
        post = client.generate_presigned_post(Bucket=bucket, Key="uploads/s/j/chat.zip")
        get = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "exports/x.zip"})
        assert urlsplit(post["url"]).hostname == urlsplit(get).hostname == host, region
    policy = _template()["Resources"]["SiteHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    csp = policy["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Sub"]
    connect = next(part for part in csp.split("; ") if part.startswith("connect-src"))
    assert (
        "https://${MediaBucket.RegionalDomainName}" in connect
        and "https://${MediaBucket.DomainName}" in connect
    )
