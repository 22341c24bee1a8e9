"""The policy checks (infra/cfn-rules, run by infra/lint.sh) pass on template.yaml and catch each
violation they are for."""

from __future__ import annotations

from pathlib import Path

from cfnlint.api import ManualArgs, lint

ROOT = Path(__file__).parents[2]
RULES = str(ROOT / "infra/cfn-rules")

BAD = """
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  OpenBucket:
    Type: AWS::S3::Bucket
  ChattyLogs:
    Type: AWS::Logs::LogGroup
  Greedy:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: everything
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: ["s3:*", "sqs:Send*"]
                Resource: "*"
"""


def _ours(text: str) -> list[str]:
    matches = lint(text, config=ManualArgs(append_rules=[RULES], regions=["us-east-1"]))
    return sorted(f"{m.rule.id} {m.message}" for m in matches if m.rule.id.startswith("E9"))


def test_template_passes_the_policy_checks() -> None:
    assert _ours((ROOT / "template.yaml").read_text()) == []


def test_each_violation_is_caught() -> None:
    found = _ours(BAD)
    assert "E9001 OpenBucket: no BucketEncryption" in found
    assert "E9001 OpenBucket: public access not fully blocked" in found
    assert "E9002 wildcard action 's3:*' on data" in found
    assert "E9002 wildcard action 'sqs:Send*' on data" in found
    assert "E9003 ChattyLogs: no RetentionInDays" in found
    assert any(line.startswith("E9004 no alarm on the ingest DLQ depth") for line in found)
