locals {
  # One file per shipped connector: {"name": ..., "config": {...}}, generated from the same source as
  # docker/connectors and deploy/msk-connect.
  connectors = {
    for f in fileset("${path.module}/connectors", "*.json") : trimsuffix(f, ".json") => jsondecode(file("${path.module}/connectors/${f}"))
    if contains(var.connectors, trimsuffix(f, ".json"))
  }

  all_streams = join(",", [var.stream_main, var.stream_clickstream, var.stream_iot, var.stream_transaction])

  start_at = var.kinesis_start_timestamp == null ? {} : {
    "kinesis.position"           = "at_timestamp"
    "kinesis.position.timestamp" = var.kinesis_start_timestamp
  }

  sse = var.bucket_kms_key_arn == null ? {} : {
    "s3.sse"            = "aws:kms"
    "s3.sse.kms.key.id" = var.bucket_kms_key_arn
  }

  # This environment's values, merged over each connector's shipped configuration.
  overrides = {
    "kinesis-source" = merge(local.start_at, {
      "aws.region"                          = local.region
      "kinesis.stream.names"                = local.all_streams
      "transforms.environment.static.value" = var.environment
    })
    "kinesis-source-raw" = merge(local.start_at, {
      "aws.region"           = local.region
      "kinesis.stream.names" = local.all_streams
    })
    "dynamodb-sink-events" = {
      "aws.region"                 = local.region
      "topics"                     = join(",", [var.stream_main, var.stream_clickstream, var.stream_iot])
      "dynamodb.table"             = var.table
      "dynamodb.table.auto.create" = tostring(var.table_auto_create)
    }
    "dynamodb-sink-transactions" = {
      "aws.region"                        = local.region
      "topics"                            = var.stream_transaction
      "dynamodb.table"                    = var.table
      "dynamodb.table.auto.create"        = tostring(var.table_auto_create)
      "errors.deadletterqueue.topic.name" = "${var.stream_transaction}.dynamodb.dlq"
    }
    "s3-archive-processed" = merge(local.sse, {
      "aws.region" = local.region
      "topics"     = local.all_streams
      "s3.bucket"  = var.bucket
    })
    "s3-archive-raw" = merge(local.sse, {
      "aws.region" = local.region
      "s3.bucket"  = var.bucket
    })
  }

  # What each connector runs with: its shipped configuration with this environment's values over it. The IAM
  # grants that depend on the configuration (iam.tf: cloudwatch_metrics) read it from here too.
  connector_configs = {
    for name, c in local.connectors : name => merge(c.config, lookup(local.overrides, name, {}))
  }
}

resource "aws_mskconnect_connector" "this" {
  for_each = local.connectors

  name                    = each.key
  description             = "MSK Bridge ${each.key}"
  kafkaconnect_version    = var.kafkaconnect_version
  connector_configuration = local.connector_configs[each.key]

  capacity {
    autoscaling {
      mcu_count        = lookup(var.capacity, each.key, var.default_capacity).mcu_count
      min_worker_count = lookup(var.capacity, each.key, var.default_capacity).min_worker_count
      max_worker_count = lookup(var.capacity, each.key, var.default_capacity).max_worker_count

      scale_in_policy {
        cpu_utilization_percentage = 20
      }

      scale_out_policy {
        cpu_utilization_percentage = 80
      }
    }
  }

  kafka_cluster {
    apache_kafka_cluster {
      bootstrap_servers = var.bootstrap_servers

      vpc {
        security_groups = var.security_group_ids
        subnets         = var.subnet_ids
      }
    }
  }

  kafka_cluster_client_authentication {
    authentication_type = "IAM"
  }

  kafka_cluster_encryption_in_transit {
    encryption_type = "TLS"
  }

  plugin {
    custom_plugin {
      arn      = aws_mskconnect_custom_plugin.pack.arn
      revision = aws_mskconnect_custom_plugin.pack.latest_revision
    }
  }

  worker_configuration {
    arn      = aws_mskconnect_worker_configuration.pack.arn
    revision = aws_mskconnect_worker_configuration.pack.latest_revision
  }

  service_execution_role_arn = aws_iam_role.connector[each.key].arn

  log_delivery {
    worker_log_delivery {
      cloudwatch_logs {
        enabled   = true
        log_group = aws_cloudwatch_log_group.connect.name
      }
    }
  }

  tags = var.tags

  # The role must hold its policies before the workers start, or their first calls are denied.
  depends_on = [aws_iam_role_policy.connector, aws_iam_role_policy.table_auto_create]
}
