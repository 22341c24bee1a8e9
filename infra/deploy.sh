#!/usr/bin/env bash
# `make deploy`: one release to AWS, each step printed. Needs the SAM CLI, the AWS CLI, Docker (the
# connector image) and npm; and samconfig.toml from a first `sam deploy --guided` (stack name,
# region, parameters). Not run on the development machines (no Docker daemon, no AWS account):
# infra/lint.sh checks its syntax, tests/unit/test_deploy_script.py its order.
#
#   STACK=deeplens ECR_REPOSITORY=123456789012.dkr.ecr.eu-central-1.amazonaws.com/deeplens-connector \
#     bash infra/deploy.sh
#
# Order: build -> connector image -> deploy -> migrate -> UI. The image goes first because the task
# definition names it (a deploy naming an image not yet pushed would fail and roll back). Migrations
# run after the deploy that ships them (they are packaged in the migration function), so a release
# must work with the previous release's schema for those seconds: migrations are additive.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${STACK:?set STACK to the CloudFormation stack name (as in samconfig.toml)}"
: "${ECR_REPOSITORY:?set ECR_REPOSITORY to the connector image repository URI}"
# sam deploy keeps the previous value of every parameter not overridden here (samconfig.toml from
# the first `sam deploy --guided` holds them); SAM_PARAMETER_OVERRIDES adds more (Key=Value ...).
REGION="${AWS_REGION:-$(aws configure get region)}"
TAG="$(git rev-parse --short=12 HEAD)$(git diff --quiet HEAD || echo -dirty)"
IMAGE="$ECR_REPOSITORY:$TAG"
step() { printf '\n[deploy] %s\n' "$*"; }
output() {
  aws cloudformation describe-stacks --region "$REGION" --stack-name "$STACK" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}

step "1/6 build (sam build; infra/migrations packaged into the migration function)"
sam build --template-file template.yaml
rm -rf .aws-sam/build/MigrateFunction/migrations
cp -r infra/migrations .aws-sam/build/MigrateFunction/migrations
ls .aws-sam/build/MigrateFunction/migrations

step "2/6 connector image $IMAGE (build and push)"
aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin "${ECR_REPOSITORY%%/*}"
docker build -f connector/Dockerfile -t "$IMAGE" .
docker push "$IMAGE"

step "3/6 deploy stack $STACK"
# CAPABILITY_AUTO_EXPAND: the template's AWS::LanguageExtensions transform (one connector per
# account, Fn::ForEach) needs it, beside CAPABILITY_IAM for the roles.
sam deploy --stack-name "$STACK" --region "$REGION" --no-fail-on-empty-changeset \
  --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND \
  --parameter-overrides "ConnectorImage=$IMAGE" ${SAM_PARAMETER_OVERRIDES:-}

step "4/6 migrate (invoke the migration function)"
function_name="$(output MigrateFunctionName)"
aws lambda invoke --region "$REGION" --function-name "$function_name" \
  --cli-read-timeout 900 --payload '{}' /tmp/deeplens-migrate.json --query FunctionError --output text \
  | grep -qx None || { cat /tmp/deeplens-migrate.json; echo; echo "[deploy] migration failed"; exit 1; }
cat /tmp/deeplens-migrate.json; echo

step "5/6 web UI: build, upload, invalidate CloudFront"
(cd frontend && npm ci --silent && npm run build --silent)
bucket="$(output SiteBucketName)"
# hashed assets first (cached for a year), index.html last (never cached), then drop the old files
aws s3 sync frontend/dist "s3://$bucket" --region "$REGION" --exclude index.html \
  --cache-control "public, max-age=31536000, immutable"
aws s3 cp frontend/dist/index.html "s3://$bucket/index.html" --region "$REGION" --cache-control "no-cache"
aws s3 sync frontend/dist "s3://$bucket" --region "$REGION" --delete
aws cloudfront create-invalidation --distribution-id "$(output SiteDistributionId)" --paths "/index.html" "/" \
  --query Invalidation.Id --output text

step "6/6 done: $(output SiteUrl)"
echo "connector: $IMAGE on $(output ConnectorClusterName)/$(output ConnectorServiceName)"
