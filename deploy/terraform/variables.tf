# Where the connectors run. The cluster ARN gives the region, account, cluster name and UUID the IAM policies need.
variable "cluster_arn" {
  description = "ARN of the MSK cluster (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>); must use IAM access control."
  type        = string
}

variable "bootstrap_servers" {
  description = "The cluster's IAM bootstrap brokers (port 9098), comma-separated."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the MSK Connect workers; they need a route to Kinesis, DynamoDB, S3, STS and CloudWatch (NAT or VPC endpoints, see deploy/CUTOVER.md)."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security groups for the workers; must reach the brokers on 9098 and the endpoints on 443."
  type        = list(string)
}

# The plugin.
variable "plugin_bucket" {
  description = "Existing S3 bucket the plugin ZIP is uploaded to."
  type        = string
}

variable "plugin_zip" {
  description = "Path of the plugin ZIP; null means the one mvn package builds in distribution/target."
  type        = string
  default     = null
}

# The seeds' resources (defaults: the dev environment).
variable "stream_main" {
  type    = string
  default = "maindatastream-dev"
}

variable "stream_clickstream" {
  type    = string
  default = "clickstreamdatastream-dev"
}

variable "stream_iot" {
  type    = string
  default = "iotdatastream-dev"
}

variable "stream_transaction" {
  type    = string
  default = "transactiondatastream-dev"
}

variable "table" {
  description = "DynamoDB table the DynamoDB sinks write."
  type        = string
  default     = "mskbridge-events-dev"
}

variable "bucket" {
  description = "S3 bucket of the archive (processed/ and raw/)."
  type        = string
  default     = "mskbridge-archive-dev"
}

variable "environment" {
  description = "Value of the environment field the processed source stamps on every record."
  type        = string
  default     = "dev"
}

variable "stream_kms_key_arn" {
  description = "Customer-managed KMS key of the streams; null for unencrypted streams or the AWS-managed aws/kinesis key."
  type        = string
  default     = null
}

variable "bucket_kms_key_arn" {
  description = "KMS key for SSE-KMS archive objects; null keeps the shipped s3.sse (AES256)."
  type        = string
  default     = null
}

variable "table_auto_create" {
  description = "Let the DynamoDB sinks create a missing table (adds CreateTable/UpdateTimeToLive to their roles)."
  type        = bool
  default     = false
}

variable "kinesis_start_timestamp" {
  description = "ISO-8601 instant: start both sources at AT_TIMESTAMP of it (the cutover time); null keeps the shipped kinesis.position."
  type        = string
  default     = null
}

# Which connectors and how big.
variable "connectors" {
  description = "Names of the connectors (files in connectors/) to deploy."
  type        = set(string)
  default     = ["kinesis-source", "kinesis-source-raw", "dynamodb-sink-events", "dynamodb-sink-transactions", "s3-archive-processed", "s3-archive-raw"]
}

variable "capacity" {
  description = "Autoscaling per connector; connectors not listed get default_capacity."
  type = map(object({
    mcu_count        = number
    min_worker_count = number
    max_worker_count = number
  }))
  default = {
    "s3-archive-processed" = { mcu_count = 2, min_worker_count = 1, max_worker_count = 2 }
    "s3-archive-raw"       = { mcu_count = 2, min_worker_count = 1, max_worker_count = 2 }
  }
}

variable "default_capacity" {
  type = object({
    mcu_count        = number
    min_worker_count = number
    max_worker_count = number
  })
  default = { mcu_count = 1, min_worker_count = 1, max_worker_count = 4 }
}

variable "kafkaconnect_version" {
  type    = string
  default = "3.7.x"
}

# Naming and tagging, shared by every resource of the module (and by files added to it, e.g. alarms).
variable "name_prefix" {
  description = "Prefix of every name the module creates: roles <prefix><connector>, the plugin and the worker configuration."
  type        = string
  default     = "mskbridge-"
}

variable "tags" {
  description = "Tags for every resource that takes them."
  type        = map(string)
  default     = {}
}

variable "log_group_name" {
  type    = string
  default = "/msk-connect/mskbridge"
}

variable "log_retention_days" {
  type    = number
  default = 30
}
