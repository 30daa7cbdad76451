output "connector_arns" {
  description = "ARN of each connector, by name."
  value       = { for name, c in aws_mskconnect_connector.this : name => c.arn }
}

output "role_arns" {
  description = "Service execution role of each connector, by name."
  value       = { for name, r in aws_iam_role.connector : name => r.arn }
}

output "custom_plugin_arn" {
  value = aws_mskconnect_custom_plugin.pack.arn
}

output "worker_configuration_arn" {
  value = aws_mskconnect_worker_configuration.pack.arn
}

output "log_group_name" {
  value = aws_cloudwatch_log_group.connect.name
}

output "connector_configurations" {
  description = "The configuration each connector was created with (shipped file merged with this environment's values)."
  value       = { for name, c in aws_mskconnect_connector.this : name => c.connector_configuration }
}
