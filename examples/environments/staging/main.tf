terraform {
  required_providers {
    aws = {
      version = "5.100.0"
      source  = "aws"
    }
  }
  backend "s3" {
    bucket  = "acme-platform-tfstate"
    key     = "acme-platform/staging/terraform.tfstate"
    region  = "eu-west-1"
    encrypt = true
    assume_role = {
      role_arn = "arn:aws:iam::333333333333:role/acme-platform-staging-tfstate"
    }
    use_lockfile = true
  }

  required_version = ">= 1.10.2"
}

provider "aws" {
  allowed_account_ids = [
    "222222222222"
  ]
  region = "eu-west-1"
  default_tags {
    tags = {
      environment = "staging"
      project     = "acme-platform"
      managed-by  = "cdktf"
    }
  }
}
resource "aws_s3_bucket" "workload_assets_bucket_FFDDD4EE" {
  bucket        = "acme-platform-staging-assets"
  force_destroy = false
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
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
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
      noncurrent_days = 30
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
  name        = "/acme-platform/staging/app/api-token"
  type        = "SecureString"
  value       = var.app_api_token
}

output "environment" {
  value       = "staging"
  description = "Environment of this stack"
}

output "state_location" {
  value       = "s3://acme-platform-tfstate/acme-platform/staging/terraform.tfstate"
  description = "Where this stack keeps its Terraform state"
}

output "state_locking" {
  value       = "s3-lockfile"
  description = "Lock mechanisms guarding this stack's state"
}

output "state_access_policy_json" {
  value       = { "Version" : "2012-10-17", "Statement" : [{ "Sid" : "ListStateKey", "Effect" : "Allow", "Action" : ["s3:ListBucket"], "Resource" : ["arn:aws:s3:::acme-platform-tfstate"], "Condition" : { "StringEquals" : { "s3:prefix" : ["acme-platform/staging/terraform.tfstate"] } } }, { "Sid" : "ReadWriteState", "Effect" : "Allow", "Action" : ["s3:GetObject", "s3:PutObject"], "Resource" : ["arn:aws:s3:::acme-platform-tfstate/acme-platform/staging/terraform.tfstate"] }, { "Sid" : "ListStateKeyVersions", "Effect" : "Allow", "Action" : ["s3:ListBucketVersions"], "Resource" : ["arn:aws:s3:::acme-platform-tfstate"], "Condition" : { "StringEquals" : { "s3:prefix" : ["acme-platform/staging/terraform.tfstate"] } } }, { "Sid" : "ReadStateVersions", "Effect" : "Allow", "Action" : ["s3:GetObjectVersion"], "Resource" : ["arn:aws:s3:::acme-platform-tfstate/acme-platform/staging/terraform.tfstate"] }, { "Sid" : "S3LockFile", "Effect" : "Allow", "Action" : ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource" : ["arn:aws:s3:::acme-platform-tfstate/acme-platform/staging/terraform.tfstate.tflock"] }, { "Sid" : "DescribeLockTable", "Effect" : "Allow", "Action" : ["dynamodb:DescribeTable"], "Resource" : ["arn:aws:dynamodb:eu-west-1:333333333333:table/acme-platform-tflock"] }, { "Sid" : "DynamoDbLockItems", "Effect" : "Allow", "Action" : ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"], "Resource" : ["arn:aws:dynamodb:eu-west-1:333333333333:table/acme-platform-tflock"], "Condition" : { "ForAllValues:StringEquals" : { "dynamodb:LeadingKeys" : ["acme-platform-tfstate/acme-platform/staging/terraform.tfstate", "acme-platform-tfstate/acme-platform/staging/terraform.tfstate-md5"] } } }] }
  description = "Least-privilege IAM policy (JSON) to use this stack's state and nothing else; attached to its state role (or, in a single-account layout, its CI deploy role)"
}

output "state_role_arn" {
  value       = "arn:aws:iam::333333333333:role/acme-platform-staging-tfstate"
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
