# Targets shared by the staging and production Makefiles. The including Makefile sets:
#   STACK          the cdktf stack (environment) name
#   SECRETS_ARGS   how with-secrets.sh gets the secrets (--env-file ... or --vals ...)
#   PREFLIGHT_EXTRA  extra preflight checks (e.g. vals), may be empty
#   DESTROY_GUARD  a target that must succeed before destroy does anything, may be empty
# Every cdktf call goes through $(CDKTF), so a different CLI (or a test stand-in) can be swapped in.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

LIB_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
PROJECT_DIR ?= $(abspath $(LIB_DIR)/../..)
CDKTF ?= npx --no-install cdktf
# Relative paths are relative to PROJECT_DIR, as cdktf resolves them.
OUTDIR ?= cdktf.out
STACK_DIR = $(OUTDIR)/stacks/$(STACK)
PREFLIGHT := $(LIB_DIR)/preflight.sh
# exec in the recipes: make's SIGTERM (it passes SIGTERM to its children) reaches with-secrets.sh,
# which passes it to cdktf and terraform once and waits for them; Ctrl-C reaches it directly.
WITH_SECRETS = $(LIB_DIR)/with-secrets.sh --stack-dir $(STACK_DIR) --rerun "make -C workflows/$(STACK) $@" $(SECRETS_ARGS) --
TERRAFORM_BINARY_NAME ?= terraform
export TERRAFORM_BINARY_NAME
export CHECKPOINT_DISABLE ?= 1

.PHONY: help check synth plan drift deploy destroy unlock clean

help:
	@echo "$(STACK) workflow (run from anywhere: make -C workflows/$(STACK) <target>)"
	@echo "  check     prerequisites: AWS credentials, synth, Terraform version for the $(STACK) backend$(if $(PREFLIGHT_EXTRA), and$(foreach c,$(PREFLIGHT_EXTRA), $(c)))"
	@echo "  plan      cdktf diff $(STACK) with the secrets; the saved plan is deleted afterwards"
	@echo "  drift     terraform plan -detailed-exitcode: exit 0 no changes, non-zero on drift or error (DRIFT_EXIT_FILE gets 0/2/1)"
	@echo "  deploy    cdktf deploy $(STACK) with the secrets (DEPLOY_FLAGS='--auto-approve' for CI)"
	@echo "  destroy   cdktf destroy $(STACK) with the secrets"
	@echo "  unlock    LOCK_ID=<id>: terraform force-unlock, only when the lock holder is certainly gone"
	@echo "  clean     delete $(STACK_DIR) (synthesized code, .terraform, any saved plan)"
	@$(if $(HELP_EXTRA),echo "  $(HELP_EXTRA)",true)

check:
	@echo "== $(STACK): checking prerequisites"
	@$(PREFLIGHT) aws
	@for check in $(PREFLIGHT_EXTRA); do $(PREFLIGHT) "$$check"; done
	@$(MAKE) --no-print-directory synth
	@cd $(PROJECT_DIR) && $(PREFLIGHT) terraform $(STACK_DIR)/cdk.tf.json

synth:
	@echo "== $(STACK): synthesizing into $(OUTDIR)"
	cd $(PROJECT_DIR) && $(CDKTF) synth --output $(OUTDIR)

plan: check
	@echo "== $(STACK): planning"
	cd $(PROJECT_DIR) && exec $(WITH_SECRETS) $(CDKTF) diff $(STACK) --skip-synth --output $(OUTDIR)

# The scheduled CI drift check runs this (.github/workflows/drift.yml); no saved plan is written.
drift: check
	@echo "== $(STACK): checking for drift"
	cd $(PROJECT_DIR) && exec $(WITH_SECRETS) $(LIB_DIR)/drift.sh $(STACK_DIR)

deploy: check
	@$(LIB_DIR)/require-approval.sh $(STACK) "add DEPLOY_FLAGS=--auto-approve: make -C workflows/$(STACK) deploy DEPLOY_FLAGS=--auto-approve" $(DEPLOY_FLAGS)
	@echo "== $(STACK): deploying"
	cd $(PROJECT_DIR) && exec $(WITH_SECRETS) $(CDKTF) deploy $(STACK) --skip-synth --output $(OUTDIR) $(DEPLOY_FLAGS)

destroy: $(DESTROY_GUARD) check
	@$(LIB_DIR)/require-approval.sh $(STACK) "add DESTROY_FLAGS=--auto-approve: make -C workflows/$(STACK) destroy DESTROY_FLAGS=--auto-approve" $(DESTROY_FLAGS)
	@echo "== $(STACK): destroying"
	cd $(PROJECT_DIR) && exec $(WITH_SECRETS) $(CDKTF) destroy $(STACK) --skip-synth --output $(OUTDIR) $(DESTROY_FLAGS)

# force-unlock needs the backend initialised but no variables, so no secrets are loaded.
unlock:
	@[ -n "$(LOCK_ID)" ] || { echo "unlock: give the lock ID from the error message: make unlock LOCK_ID=<id>" >&2; exit 1; }
	@echo "WARNING: force-unlock removes $(STACK)'s state lock $(LOCK_ID). If its holder is still running,"
	@echo "         two writers can corrupt the state. Make sure that run has ended; Terraform asks to confirm."
	@$(PREFLIGHT) aws
	@$(MAKE) --no-print-directory synth
	@cd $(PROJECT_DIR) && $(PREFLIGHT) terraform $(STACK_DIR)/cdk.tf.json
	cd $(PROJECT_DIR) && cd $(STACK_DIR) && $(TERRAFORM_BINARY_NAME) init -input=false && $(TERRAFORM_BINARY_NAME) force-unlock $(LOCK_ID)

clean:
	@echo "== $(STACK): removing $(STACK_DIR)"
	cd $(PROJECT_DIR) && rm -rf -- $(STACK_DIR)
