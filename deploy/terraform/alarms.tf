# The pack's CloudWatch alarms (issue: the seed's operators alarmed on iterator age, errors and throttling).
# The same alarms in CLI form: deploy/cloudwatch/alarms.json. Metrics: aws-common/README.md, CloudWatch metrics.
# MSK Connect's own metrics are in AWS/KafkaConnect under the ConnectorName dimension (from AWS docs: Amazon MSK
# Developer Guide, Monitoring Amazon MSK Connect); the pack publishes under the same dimension name.

locals {
  alarms_streams = merge([
    for connector, streams in var.alarms_source_connectors : {
      for s in streams : "${connector}-${s}" => { connector = connector, stream = s }
    }
  ]...)
  alarms_publishers = toset(concat(keys(var.alarms_source_connectors), var.alarms_dynamodb_sink_connectors,
  var.alarms_s3_sink_connectors))

  # One entry per alarm, keyed by its name without the prefix. Every entry has the same fields.
  alarms = merge(
    # The seed's GetRecords.IteratorAge alarm: more than 60 s behind the stream's tip for 2 minutes.
    { for k, v in local.alarms_streams : "${k}-iterator-age" => {
      description = "Kinesis source ${v.connector} is more than ${var.alarms_iterator_age_ms} ms behind the tip of stream ${v.stream} (largest MillisBehindLatest of its GetRecords answers) for 2 minutes."
      namespace   = var.alarms_namespace
      metric      = "MillisBehindLatest"
      dimensions  = tomap({ ConnectorName = v.connector, Stream = v.stream })
      statistic   = "Maximum"
      periods     = 2
      threshold   = var.alarms_iterator_age_ms
      missing     = "notBreaching"
    } },
    # MillisBehindLatest only moves when a GetRecords call succeeds: a throttled or held-back shard shows here.
    { for c in keys(var.alarms_source_connectors) : "${c}-fetch-stalled" => {
      description = "A task of ${c} has had no successful GetRecords call on one of its shards for over ${var.alarms_iterator_age_ms} ms, 2 minutes in a row."
      namespace   = var.alarms_namespace
      metric      = "MillisSinceLastSuccessfulFetch"
      dimensions  = tomap({ ConnectorName = c })
      statistic   = "Maximum"
      periods     = 2
      threshold   = var.alarms_iterator_age_ms
      missing     = "notBreaching"
    } },
    { for k, v in local.alarms_streams : "${k}-throttled" => {
      description = "Kinesis throttled reads of ${v.connector} on stream ${v.stream} in each of ${var.alarms_throttling_periods} minutes."
      namespace   = var.alarms_namespace
      metric      = "ThrottledRequests"
      dimensions  = tomap({ ConnectorName = v.connector, Stream = v.stream })
      statistic   = "Sum"
      periods     = var.alarms_throttling_periods
      threshold   = 0
      missing     = "notBreaching"
    } },
    # The seed's error alarm: invalid records routed by the source's transforms, records a sink dead-lettered.
    { for c in local.alarms_publishers : "${c}-processing-errors" => {
      description = "${c} counted ProcessingErrors (invalid records routed by its transforms, or records it sent to the dead letter queue)."
      namespace   = var.alarms_namespace
      metric      = "ProcessingErrors"
      dimensions  = tomap({ ConnectorName = c })
      statistic   = "Sum"
      periods     = 1
      threshold   = 0
      missing     = "notBreaching"
    } },
    { for c in var.alarms_dynamodb_sink_connectors : "${c}-throttled" => {
      description = "DynamoDB throttled writes of ${c} in each of ${var.alarms_throttling_periods} minutes."
      namespace   = var.alarms_namespace
      metric      = "ThrottledRequests"
      dimensions  = tomap({ ConnectorName = c })
      statistic   = "Sum"
      periods     = var.alarms_throttling_periods
      threshold   = 0
      missing     = "notBreaching"
    } },
    { for c in var.alarms_s3_sink_connectors : "${c}-upload-retries" => {
      description = "S3 calls of ${c} were retried (503 SlowDown, 5xx, timeouts) in each of ${var.alarms_throttling_periods} minutes."
      namespace   = var.alarms_namespace
      metric      = "UploadRetries"
      dimensions  = tomap({ ConnectorName = c })
      statistic   = "Sum"
      periods     = var.alarms_throttling_periods
      threshold   = 0
      missing     = "notBreaching"
    } },
    # MSK Connect's own metric: a failed task stays failed until someone restarts it.
    { for c in var.alarms_msk_connect_connectors : "${c}-task-failed" => {
      description = "MSK Connect reports a failed task of ${c} (AWS/KafkaConnect ErroredTaskCount)."
      namespace   = "AWS/KafkaConnect"
      metric      = "ErroredTaskCount"
      dimensions  = tomap({ ConnectorName = c })
      statistic   = "Maximum"
      periods     = 1
      threshold   = 0
      missing     = "missing"
    } },
    # The publisher itself: dropped points mean the alarms above may miss data.
    { for c in local.alarms_publishers : "${c}-metrics-dropped" => {
      description = "${c} dropped CloudWatch data points (CloudWatch throttled or unreachable, or PutMetricData denied)."
      namespace   = var.alarms_namespace
      metric      = "MetricsPointsDropped"
      dimensions  = tomap({ ConnectorName = c })
      statistic   = "Sum"
      periods     = 1
      threshold   = 0
      missing     = "notBreaching"
    } },
  )
}

resource "aws_cloudwatch_metric_alarm" "alarms" {
  for_each            = var.alarms_enabled ? local.alarms : {}
  alarm_name          = "${var.alarms_name_prefix}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = 60
  evaluation_periods  = each.value.periods
  datapoints_to_alarm = each.value.periods
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = each.value.missing
  alarm_actions       = var.alarms_actions
  ok_actions          = var.alarms_actions
  tags                = var.alarms_tags
}
