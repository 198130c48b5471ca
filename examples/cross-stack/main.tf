terraform {
  required_providers {

  }
  backend "local" {
    path = "../../../terraform.production-reader.tfstate"
  }

  required_version = ">= 1.7.2"
}
data "terraform_remote_state" "production" {
  backend = "s3"
  config = {
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
}

output "production_assets_bucket_name" {
  value       = data.terraform_remote_state.production.outputs.assets_bucket_name
  description = "production's assets_bucket_name, read from its state through its state role"
}
