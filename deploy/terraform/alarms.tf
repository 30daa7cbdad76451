# The pack's CloudWatch alarms (issue: the seed's operators alarmed on iterator age, errors and throttling).
# The same alarms in CLI form: deploy/cloudwatch/alarms.json. Metrics: aws-common/README.md, CloudWatch metrics.
# MSK Connect's own metrics are in AWS/KafkaConnect under the ConnectorName dimension (from AWS docs: Amazon MSK
# Developer Guide, Monitoring Amazon MSK Connect); the pack publishes under the same dimension name.

locals {
  alarms_streams = var.alarms_enabled ? merge([
    for connector, streams in var.alarms_source_connectors : {
      for s in streams : "${connector}/${s}" => { connector = connector, stream = s }
    }
  ]...) : {}
  alarms_sources        = var.alarms_enabled ? toset(keys(var.alarms_source_connectors)) : toset([])
  alarms_publishers     = var.alarms_enabled ? toset(concat(keys(var.alarms_source_connectors), var.alarms_dynamodb_sink_connectors, var.alarms_s3_sink_connectors)) : toset([])
  alarms_dynamodb_sinks = var.alarms_enabled ? toset(var.alarms_dynamodb_sink_connectors) : toset([])
  alarms_s3_sinks       = var.alarms_enabled ? toset(var.alarms_s3_sink_connectors) : toset([])
  alarms_msk_connect    = var.alarms_enabled ? toset(var.alarms_msk_connect_connectors) : toset([])
}

# The seed's GetRecords.IteratorAge alarm: more than 60 s behind the stream's tip for 2 minutes.
resource "aws_cloudwatch_metric_alarm" "alarms_iterator_age" {
  for_each            = local.alarms_streams
  alarm_name          = "${var.alarms_name_prefix}-${each.value.connector}-${each.value.stream}-iterator-age"
  alarm_description   = "Kinesis source ${each.value.connector} is more than ${var.alarms_iterator_age_ms} ms behind the tip of stream ${each.value.stream} (largest MillisBehindLatest of its GetRecords answers) for 2 minutes."
  namespace           = var.alarms_namespace
  metric_name         = "MillisBehindLatest"
  dimensions          = { ConnectorName = each.value.connector, Stream = each.value.stream }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  threshold           = var.alarms_iterator_age_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarms_actions
  ok_actions          = var.alarms_actions
  tags                = var.alarms_tags
}

# MillisBehindLatest only moves when a GetRecords call succeeds: a throttled or held-back shard shows here.
resource "aws_cloudwatch_metric_alarm" "alarms_fetch_stalled" {
  for_each            = local.alarms_sources
  alarm_name          = "${var.alarms_name_prefix}-${each.key}-fetch-stalled"
  alarm_description   = "A task of ${each.key} has had no successful GetRecords call on one of its shards for over ${var.alarms_iterator_age_ms} ms, 2 minutes in a row."
  namespace           = var.alarms_namespace
  metric_name         = "MillisSinceLastSuccessfulFetch"
  dimensions          = { ConnectorName = each.key }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  threshold           = var.alarms_iterator_age_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarms_actions
  ok_actions          = var.alarms_actions
  tags                = var.alarms_tags
}

resource "aws_cloudwatch_metric_alarm" "alarms_kinesis_throttled" {
  for_each            = local.alarms_streams
  alarm_name          = "${var.alarms_name_prefix}-${each.value.connector}-${each.value.stream}-throttled"
  alarm_description   = "Kinesis throttled reads of ${each.value.connector} on stream ${each.value.stream} in each of ${var.alarms_throttling_periods} minutes."
  namespace           = var.alarms_namespace
  metric_name         = "ThrottledRequests"
  dimensions          = { ConnectorName = each.value.connector, Stream = each.value.stream }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = var.alarms_throttling_periods
  datapoints_to_alarm = var.alarms_throttling_periods
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarms_actions
  ok_actions          = var.alarms_actions
  tags                = var.alarms_tags
}

# The seed's error alarm: invalid records routed by the source's transforms, records a sink dead-lettered.
resource "aws_cloudwatch_metric_alarm" "alarms_processing_errors" {
  for_each            = local.alarms_publishers
  alarm_name          = "${var.alarms_name_prefix}-${each.key}-processing-errors"
  alarm_description   = "${each.key} counted ProcessingErrors (invalid records routed by its transforms, or records it sent to the dead letter queue)."
  namespace           = var.alarms_namespace
  metric_name         = "ProcessingErrors"
  dimensions          = { ConnectorName = each.key }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarms_actions
  ok_actions          = var.alarms_actions
  tags                = var.alarms_tags
}

resource "aws_cloudwatch_metric_alarm" "alarms_dynamodb_throttled" {
  for_each            = local.alarms_dynamodb_sinks
  alarm_name          = "${var.alarms_name_prefix}-${each.key}-throttled"
  alarm_description   = "DynamoDB throttled writes of ${each.key} in each of ${var.alarms_throttling_periods} minutes."
  namespace           = var.alarms_namespace
  metric_name         = "ThrottledRequests"
  dimensions          = { ConnectorName = each.key }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = var.alarms_throttling_periods
  datapoints_to_alarm = var.alarms_throttling_periods
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarms_actions
  ok_actions          = var.alarms_actions
  tags                = var.alarms_tags
}

resource "aws_cloudwatch_metric_alarm" "alarms_s3_upload_retries" {
  for_each            = local.alarms_s3_sinks
  alarm_name          = "${var.alarms_name_prefix}-${each.key}-upload-retries"
  alarm_description   = "S3 calls of ${each.key} were retried (503 SlowDown, 5xx, timeouts) in each of ${var.alarms_throttling_periods} minutes."
  namespace           = var.alarms_namespace
  metric_name         = "UploadRetries"
  dimensions          = { ConnectorName = each.key }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = var.alarms_throttling_periods
  datapoints_to_alarm = var.alarms_throttling_periods
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarms_actions
  ok_actions          = var.alarms_actions
  tags                = var.alarms_tags
}

# MSK Connect's own metric: a failed task stays failed until someone restarts it.
resource "aws_cloudwatch_metric_alarm" "alarms_task_failed" {
  for_each            = local.alarms_msk_connect
  alarm_name          = "${var.alarms_name_prefix}-${each.key}-task-failed"
  alarm_description   = "MSK Connect reports a failed task of ${each.key} (AWS/KafkaConnect ErroredTaskCount)."
  namespace           = "AWS/KafkaConnect"
  metric_name         = "ErroredTaskCount"
  dimensions          = { ConnectorName = each.key }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "missing"
  alarm_actions       = var.alarms_actions
  ok_actions          = var.alarms_actions
  tags                = var.alarms_tags
}

# The publisher itself: dropped points mean the alarms above may miss data.
resource "aws_cloudwatch_metric_alarm" "alarms_metrics_dropped" {
  for_each            = local.alarms_publishers
  alarm_name          = "${var.alarms_name_prefix}-${each.key}-metrics-dropped"
  alarm_description   = "${each.key} dropped CloudWatch data points (CloudWatch throttled or unreachable, or PutMetricData denied)."
  namespace           = var.alarms_namespace
  metric_name         = "MetricsPointsDropped"
  dimensions          = { ConnectorName = each.key }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarms_actions
  ok_actions          = var.alarms_actions
  tags                = var.alarms_tags
}
