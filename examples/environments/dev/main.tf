terraform {
  required_providers {
    aws = {
      version = "5.100.0"
      source  = "aws"
    }
  }
  backend "local" {
    path = "../../../terraform.dev.tfstate"
  }

  required_version = ">= 1.6.0"
}

provider "aws" {
  allowed_account_ids = [
    "111111111111"
  ]
  region = "eu-west-1"
  default_tags {
    tags = {
      environment = "dev"
      project     = "acme-platform"
      managed-by  = "cdktf"
    }
  }
}
resource "aws_s3_bucket" "workload_assets_bucket_FFDDD4EE" {
  bucket        = "acme-platform-dev-assets"
  force_destroy = true
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

variable "app_api_token" {
  description = "API token the application uses to call its upstream service"
  type        = string
  sensitive   = true
}
resource "aws_ssm_parameter" "workload_api-token_parameter_8071DB07" {
  description = "API token the application uses to call its upstream service"
  name        = "/acme-platform/dev/app/api-token"
  type        = "SecureString"
  value       = var.app_api_token
}

output "environment" {
  value       = "dev"
  description = "Environment of this stack"
}

output "state_location" {
  value       = "local://../../../terraform.dev.tfstate"
  description = "Where this stack keeps its Terraform state"
}

output "state_locking" {
  value       = "local file lock (this machine only)"
  description = "Lock mechanisms guarding this stack's state"
}

output "assets_bucket_name" {
  value       = aws_s3_bucket.workload_assets_bucket_FFDDD4EE.bucket
  description = "Name of the application asset bucket"
}

output "api_token_parameter" {
  value       = aws_ssm_parameter.workload_api-token_parameter_8071DB07.name
  description = "SSM parameter holding the application API token (SecureString; read it with IAM, not from state)"
}
