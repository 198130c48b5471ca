terraform {
  required_providers {
    aws = {
      version = "5.100.0"
      source  = "aws"
    }
  }
  backend "s3" {
    bucket         = "acme-platform-tfstate"
    key            = "acme-platform/production/terraform.tfstate"
    region         = "eu-west-1"
    encrypt        = true
    kms_key_id     = "arn:aws:kms:eu-west-1:333333333333:alias/acme-platform-tfstate"
    dynamodb_table = "acme-platform-tflock"
    assume_role = {
      role_arn = "arn:aws:iam::333333333333:role/acme-platform-production-tfstate"
    }
  }

  required_version = ">= 1.7.2, != 1.15.0, != 1.15.1"
}

provider "aws" {
  allowed_account_ids = [
    "333333333333"
  ]
  region = "eu-west-1"
  default_tags {
    tags = {
      environment         = "production"
      project             = "acme-platform"
      managed-by          = "cdktf"
      data-classification = "confidential"
    }
  }
}
resource "aws_kms_key" "workload_assets-key_D3817EE6" {
  deletion_window_in_days = 30
  description             = "Encrypts the acme-platform-production asset bucket and application secrets"
  enable_key_rotation     = true
  lifecycle {
    prevent_destroy = true
  }
}
resource "aws_kms_alias" "workload_assets-key_alias_638B3CC9" {
  name          = "alias/acme-platform-production-assets"
  target_key_id = aws_kms_key.workload_assets-key_D3817EE6.key_id
}
resource "aws_s3_bucket" "workload_assets_bucket_FFDDD4EE" {
  bucket        = "acme-platform-production-assets"
  force_destroy = false
  lifecycle {
    prevent_destroy = true
  }
}
resource "aws_s3_bucket_public_access_block" "workload_assets_public-access-block_5BF2A332" {
  block_public_acls       = true
  block_public_policy     = true
  bucket                  = aws_s3_bucket.workload_assets_bucket_FFDDD4EE.id
  ignore_public_acls      = true
  restrict_public_buckets = true
}
resource "aws_s3_bucket_ownership_controls" "workload_assets_ownership_6079639A" {
  bucket = aws_s3_bucket.workload_assets_bucket_FFDDD4EE.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}
resource "aws_s3_bucket_server_side_encryption_configuration" "workload_assets_encryption_3FC3235F" {
  bucket = aws_s3_bucket.workload_assets_bucket_FFDDD4EE.id
  rule {
    bucket_key_enabled = true
    apply_server_side_encryption_by_default {
      kms_master_key_id = aws_kms_key.workload_assets-key_D3817EE6.arn
      sse_algorithm     = "aws:kms"
    }
  }
}
resource "aws_s3_bucket_versioning" "workload_assets_versioning_52CB4335" {
  bucket = aws_s3_bucket.workload_assets_bucket_FFDDD4EE.id
  versioning_configuration {
    status = "Enabled"
  }
}
resource "aws_s3_bucket_policy" "workload_assets_tls-only_9BD73430" {
  bucket = aws_s3_bucket.workload_assets_bucket_FFDDD4EE.id
  policy = jsonencode({ "Version" = "2012-10-17", "Statement" = [{ "Sid" = "DenyInsecureTransport", "Effect" = "Deny", "Principal" = "*", "Action" = "s3:*", "Resource" = [aws_s3_bucket.workload_assets_bucket_FFDDD4EE.arn, "${aws_s3_bucket.workload_assets_bucket_FFDDD4EE.arn}/*"], "Condition" = { "Bool" = { "aws:SecureTransport" = "false" } } }] })
}
resource "aws_s3_bucket_lifecycle_configuration" "workload_assets_lifecycle_34F5D537" {
  bucket = aws_s3_bucket.workload_assets_bucket_FFDDD4EE.id
  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
    expiration {
      expired_object_delete_marker = true
    }
    filter {

    }
    noncurrent_version_expiration {
      noncurrent_days = 90
    }
  }
}

variable "app_api_token" {
  description = "API token the application uses to call its upstream service"
  type        = string
  sensitive   = true
}
resource "aws_ssm_parameter" "workload_api-token_parameter_8071DB07" {
  description = "API token the application uses to call its upstream service"
  key_id      = aws_kms_key.workload_assets-key_D3817EE6.arn
  name        = "/acme-platform/production/app/api-token"
  type        = "SecureString"
  value       = var.app_api_token
}

output "environment" {
  value       = "production"
  description = "Environment of this stack"
}

output "state_location" {
  value       = "s3://acme-platform-tfstate/acme-platform/production/terraform.tfstate"
  description = "Where this stack keeps its Terraform state"
}

output "state_locking" {
  value       = "dynamodb"
  description = "Lock mechanisms guarding this stack's state"
}

output "state_access_policy_json" {
  value       = { "Version" : "2012-10-17", "Statement" : [{ "Sid" : "ListStateKey", "Effect" : "Allow", "Action" : ["s3:ListBucket"], "Resource" : ["arn:aws:s3:::acme-platform-tfstate"], "Condition" : { "StringEquals" : { "s3:prefix" : ["acme-platform/production/terraform.tfstate"] } } }, { "Sid" : "ReadWriteState", "Effect" : "Allow", "Action" : ["s3:GetObject", "s3:PutObject"], "Resource" : ["arn:aws:s3:::acme-platform-tfstate/acme-platform/production/terraform.tfstate"] }, { "Sid" : "ListStateKeyVersions", "Effect" : "Allow", "Action" : ["s3:ListBucketVersions"], "Resource" : ["arn:aws:s3:::acme-platform-tfstate"], "Condition" : { "StringEquals" : { "s3:prefix" : ["acme-platform/production/terraform.tfstate"] } } }, { "Sid" : "ReadStateVersions", "Effect" : "Allow", "Action" : ["s3:GetObjectVersion"], "Resource" : ["arn:aws:s3:::acme-platform-tfstate/acme-platform/production/terraform.tfstate"] }, { "Sid" : "S3LockFile", "Effect" : "Allow", "Action" : ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource" : ["arn:aws:s3:::acme-platform-tfstate/acme-platform/production/terraform.tfstate.tflock"] }, { "Sid" : "DescribeLockTable", "Effect" : "Allow", "Action" : ["dynamodb:DescribeTable"], "Resource" : ["arn:aws:dynamodb:eu-west-1:333333333333:table/acme-platform-tflock"] }, { "Sid" : "DynamoDbLockItems", "Effect" : "Allow", "Action" : ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"], "Resource" : ["arn:aws:dynamodb:eu-west-1:333333333333:table/acme-platform-tflock"], "Condition" : { "ForAllValues:StringEquals" : { "dynamodb:LeadingKeys" : ["acme-platform-tfstate/acme-platform/production/terraform.tfstate", "acme-platform-tfstate/acme-platform/production/terraform.tfstate-md5"] } } }, { "Sid" : "StateKmsKey", "Effect" : "Allow", "Action" : ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], "Resource" : ["arn:aws:kms:eu-west-1:333333333333:key/*"], "Condition" : { "ForAnyValue:StringEquals" : { "kms:ResourceAliases" : ["alias/acme-platform-tfstate"] } } }] }
  description = "Least-privilege IAM policy (JSON) to use this stack's state and nothing else; attached to its state role (or, in a single-account layout, its CI deploy role)"
}

output "state_role_arn" {
  value       = "arn:aws:iam::333333333333:role/acme-platform-production-tfstate"
  description = "The role the backend assumes to reach this stack's state"
}

output "assets_bucket_name" {
  value       = aws_s3_bucket.workload_assets_bucket_FFDDD4EE.bucket
  description = "Name of the application asset bucket"
}

output "api_token_parameter" {
  value       = aws_ssm_parameter.workload_api-token_parameter_8071DB07.name
  description = "SSM parameter holding the application API token (SecureString; read it with IAM, not from state)"
}
