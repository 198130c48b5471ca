#!/usr/bin/env bash
# CI only: writes the staging secrets file the staging Makefile reads (SECRETS_FILE), from a GitHub
# secret passed in the environment, with mode 600 in the runner's temp directory, and points
# SECRETS_FILE at it for the following steps. Never prints the value.
#   APP_API_TOKEN=*** workflows/ci/secrets-env.sh
set -euo pipefail

: "${RUNNER_TEMP:?RUNNER_TEMP is not set: this script is for GitHub Actions}"
: "${GITHUB_ENV:?GITHUB_ENV is not set: this script is for GitHub Actions}"
if [ -z "${APP_API_TOKEN:-}" ]; then
  echo "::error::the GitHub environment's secret APP_API_TOKEN is empty or missing: add it under Settings > Environments > <environment> > Secrets"
  exit 1
fi
# The file is dotenv, single-quoted: a quote or a line break in the value cannot be written safely.
case $APP_API_TOKEN in
  *\'* | *$'\n'* | *$'\r'*)
    echo "::error::APP_API_TOKEN contains a single quote or a line break, which the dotenv secrets file cannot hold; rotate it to a plain token"
    exit 1
    ;;
esac
file=$RUNNER_TEMP/secrets.env
umask 077
printf "TF_VAR_app_api_token='%s'\n" "$APP_API_TOKEN" >"$file"
echo "SECRETS_FILE=$file" >>"$GITHUB_ENV"
echo "secrets-env: wrote $file (TF_VAR_app_api_token)"
