#!/bin/bash
# LocalStack "ready" hook (mounted into /etc/localstack/init/ready.d/ by infra/compose.yaml): the
# ingest queue and its DLQ, as `make run` creates them (maxReceiveCount 3, visibility 60 s, DLQ
# retention 14 days). The community image keeps no state across restarts, so this runs on every start.
set -euo pipefail

dlq_url=$(awslocal sqs create-queue --queue-name deeplens-ingest-dlq \
  --attributes MessageRetentionPeriod=1209600 --query QueueUrl --output text)
dlq_arn=$(awslocal sqs get-queue-attributes --queue-url "$dlq_url" \
  --attribute-names QueueArn --query Attributes.QueueArn --output text)

# RedrivePolicy is a JSON document inside a JSON string, hence the escaped quotes.
attributes=$(cat <<JSON
{"VisibilityTimeout": "60",
 "RedrivePolicy": "{\"deadLetterTargetArn\": \"${dlq_arn}\", \"maxReceiveCount\": \"3\"}"}
JSON
)
queue_url=$(awslocal sqs create-queue --queue-name deeplens-ingest \
  --attributes "$attributes" --query QueueUrl --output text)

echo "deeplens: ingest queue ${queue_url} -> DLQ ${dlq_url}"
