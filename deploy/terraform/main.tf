locals {
  # arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>
  cluster_arn_fields = split(":", var.cluster_arn)
  cluster_path       = split("/", var.cluster_arn)
  region             = local.cluster_arn_fields[3]
  account_id         = local.cluster_arn_fields[4]
  cluster_name       = local.cluster_path[1]
  cluster_uuid       = local.cluster_path[2]

  plugin_zip        = coalesce(var.plugin_zip, "${path.module}/../../distribution/target/mskbridge-0.1.0-SNAPSHOT-plugin.zip")
  worker_properties = "${path.module}/../msk-connect/worker-configuration.properties"
}

resource "aws_s3_object" "plugin" {
  bucket      = var.plugin_bucket
  key         = "plugins/${basename(local.plugin_zip)}"
  source      = local.plugin_zip
  source_hash = filemd5(local.plugin_zip)
  tags        = var.tags
}

# A custom plugin revision is immutable: a new ZIP name (a new version) makes a new plugin, and the connectors follow.
resource "aws_mskconnect_custom_plugin" "pack" {
  name         = "${var.name_prefix}${replace(trimsuffix(trimprefix(basename(local.plugin_zip), "mskbridge-"), ".zip"), ".", "-")}"
  description  = "MSK Bridge connector pack: Kinesis source, DynamoDB sink, S3 archive sink and SMTs"
  content_type = "ZIP"

  location {
    s3 {
      bucket_arn = "arn:aws:s3:::${var.plugin_bucket}"
      file_key   = aws_s3_object.plugin.key
    }
  }
}

resource "aws_mskconnect_worker_configuration" "pack" {
  name                    = "${var.name_prefix}worker"
  description             = "deploy/msk-connect/worker-configuration.properties"
  properties_file_content = file(local.worker_properties)
}

resource "aws_cloudwatch_log_group" "connect" {
  name              = var.log_group_name
  retention_in_days = var.log_retention_days
  tags              = var.tags
}
