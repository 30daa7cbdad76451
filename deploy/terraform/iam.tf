# The policies are the templates in deploy/iam, rendered with templatefile(): one source for the CLI steps (envsubst)
# and this module. templatefile fails the plan on a placeholder it has no value for; replace() on sample values
# would silently leave one unreplaced, or replace inside a longer name.
locals {
  iam_vars = {
    region             = local.region
    account_id         = local.account_id
    cluster_name       = local.cluster_name
    cluster_uuid       = local.cluster_uuid
    stream_main        = var.stream_main
    stream_clickstream = var.stream_clickstream
    stream_iot         = var.stream_iot
    stream_transaction = var.stream_transaction
    table              = var.table
    bucket             = var.bucket
    stream_kms_key_arn = coalesce(var.stream_kms_key_arn, "unused")
    bucket_kms_key_arn = coalesce(var.bucket_kms_key_arn, "unused")
  }

  # KMS statements only where there is a customer-managed key to grant.
  unused_kms_sids = concat(
    var.stream_kms_key_arn == null ? ["KmsDecryptStreams"] : [],
    var.bucket_kms_key_arn == null ? ["KmsSseKmsObjects"] : [],
  )

  policies = {
    for name, c in local.connectors : name => jsondecode(templatefile("${path.module}/../iam/${name}.json",
    merge(local.iam_vars, { connector_name = name })))
  }

  # cloudwatch:PutMetricData goes to exactly the connectors that publish (metrics.cloudwatch.enabled=true in the
  # configuration they run with), for the namespace that configuration names (metrics.cloudwatch.namespace,
  # default MSKBridge).
  metrics_namespaces = {
    for name, c in local.connector_configs : name => lookup(c, "metrics.cloudwatch.namespace", "MSKBridge")
    if lower(lookup(c, "metrics.cloudwatch.enabled", "false")) == "true"
  }

  dynamodb_sinks = {
    for name, c in local.connectors : name => c if c.config["connector.class"] == "io.mskbridge.dynamodb.DynamoDbSinkConnector"
  }
}

resource "aws_iam_role" "connector" {
  for_each = local.connectors

  name               = "${var.name_prefix}${each.key}"
  description        = "MSK Connect service execution role of ${each.key}"
  assume_role_policy = templatefile("${path.module}/../iam/trust-policy-msk-connect.json", merge(local.iam_vars, { connector_name = each.key }))
  tags               = var.tags
}

resource "aws_iam_role_policy" "connector" {
  for_each = local.connectors

  name = "mskbridge"
  role = aws_iam_role.connector[each.key].id
  policy = jsonencode(merge(local.policies[each.key], {
    Statement = [for s in local.policies[each.key].Statement : s if !contains(local.unused_kms_sids, s.Sid)]
  }))
}

resource "aws_iam_role_policy" "table_auto_create" {
  for_each = var.table_auto_create ? local.dynamodb_sinks : {}

  name   = "mskbridge-table-auto-create"
  role   = aws_iam_role.connector[each.key].id
  policy = templatefile("${path.module}/../iam/dynamodb-sink-table-auto-create.json", merge(local.iam_vars, { connector_name = each.key }))
}

resource "aws_iam_role_policy" "cloudwatch_metrics" {
  for_each = local.metrics_namespaces

  name   = "mskbridge-cloudwatch-metrics"
  role   = aws_iam_role.connector[each.key].id
  policy = templatefile("${path.module}/../iam/cloudwatch-metrics.json", { metrics_namespace = each.value })
}
