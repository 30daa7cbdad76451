#!/usr/bin/env bash
# Creates what the seeds' platform needs, idempotently: the four Kinesis streams (shard counts from the seed guide),
# the DynamoDB table (pk/sk, TTL on "ttl", on-demand) and the archive bucket.
set -euo pipefail
env_name="${MSKBRIDGE_ENV:-dev}"
endpoint="${AWS_ENDPOINT_URL:-http://localhost:4566}"
aws() { command aws --endpoint-url "$endpoint" "$@"; }

for spec in "maindatastream:2" "clickstreamdatastream:2" "iotdatastream:4" "transactiondatastream:2"; do
  stream="${spec%%:*}-${env_name}"
  shards="${spec##*:}"
  if ! aws kinesis describe-stream-summary --stream-name "$stream" > /dev/null 2>&1; then
    aws kinesis create-stream --stream-name "$stream" --shard-count "$shards"
    echo "created stream $stream ($shards shards)"
  fi
  aws kinesis wait stream-exists --stream-name "$stream"
done

table="mskbridge-events-${env_name}"
if ! aws dynamodb describe-table --table-name "$table" > /dev/null 2>&1; then
  aws dynamodb create-table --table-name "$table" \
    --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=S \
    --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE \
    --billing-mode PAY_PER_REQUEST > /dev/null
  aws dynamodb wait table-exists --table-name "$table"
  aws dynamodb update-time-to-live --table-name "$table" --time-to-live-specification "Enabled=true,AttributeName=ttl" > /dev/null
  echo "created table $table"
fi

bucket="mskbridge-archive-${env_name}"
if ! aws s3api head-bucket --bucket "$bucket" > /dev/null 2>&1; then
  aws s3api create-bucket --bucket "$bucket" > /dev/null
  echo "created bucket $bucket"
fi
echo "resources ready"
