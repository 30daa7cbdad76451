# Inputs of alarms.tf (the pack's CloudWatch alarms). Prefixed alarms_ so they sit beside the module's own
# variables without colliding.

variable "alarms_enabled" {
  description = "Create the CloudWatch alarms of alarms.tf. The MSKBridge ones need metrics.cloudwatch.enabled=true on the connectors."
  type        = bool
  default     = true
}

variable "alarms_name_prefix" {
  description = "Prefix of every alarm name."
  type        = string
  default     = "mskbridge"
}

variable "alarms_tags" {
  description = "Tags of every alarm."
  type        = map(string)
  default     = {}
}

variable "alarms_actions" {
  description = "ARNs notified when an alarm fires and when it recovers (e.g. an SNS topic)."
  type        = list(string)
  default     = []
}

variable "alarms_namespace" {
  description = "metrics.cloudwatch.namespace of the connectors (MSKBridge unless changed)."
  type        = string
  default     = "MSKBridge"
}

variable "alarms_source_connectors" {
  description = "Kinesis source connector names (their ConnectorName dimension) to the Kinesis streams each reads."
  type        = map(list(string))
  default = {
    "kinesis-source" = ["maindatastream-dev", "clickstreamdatastream-dev", "iotdatastream-dev", "transactiondatastream-dev"]
  }
}

variable "alarms_dynamodb_sink_connectors" {
  description = "DynamoDB sink connector names."
  type        = list(string)
  default     = ["dynamodb-sink-events", "dynamodb-sink-transactions"]
}

variable "alarms_s3_sink_connectors" {
  description = "S3 archive sink connector names."
  type        = list(string)
  default     = ["s3-archive-processed", "s3-archive-raw"]
}

variable "alarms_msk_connect_connectors" {
  description = "Every MSK Connect connector whose failed tasks (AWS/KafkaConnect ErroredTaskCount) should alarm, including ones that do not publish MSKBridge metrics."
  type        = list(string)
  default     = ["kinesis-source", "kinesis-source-raw", "dynamodb-sink-events", "dynamodb-sink-transactions", "s3-archive-processed", "s3-archive-raw"]
}

variable "alarms_iterator_age_ms" {
  description = "MillisBehindLatest (and MillisSinceLastSuccessfulFetch) above which the source alarms, for 2 one-minute periods."
  type        = number
  default     = 60000
}

variable "alarms_throttling_periods" {
  description = "Consecutive one-minute periods with throttled calls before a throttling alarm fires (a single throttled call is normal)."
  type        = number
  default     = 5
}
