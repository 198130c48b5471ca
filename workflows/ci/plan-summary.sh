#!/usr/bin/env bash
# CI only: appends a plan's output (from `make plan` or `make drift`) to the job summary.
#   workflows/ci/plan-summary.sh <title> <output file> [exit code]
set -euo pipefail

title=$1 output=$2 code=${3:-}
: "${GITHUB_STEP_SUMMARY:?GITHUB_STEP_SUMMARY is not set: this script is for GitHub Actions}"
{
  echo "### $title"
  case $code in
    '') ;;
    0) echo 'No changes: the infrastructure matches the configuration.' ;;
    2) echo '**Drift:** the infrastructure differs from the configuration (plan below).' ;;
    *) echo "**Failed** (exit code $code): see the job log." ;;
  esac
  if [ -f "$output" ]; then
    # Job summaries hold 1 MiB; keep the end of long plans, where the totals are.
    echo '```text'
    tail -c 200000 "$output"
    echo '```'
  else
    echo "No output was captured ($output is missing)."
  fi
} >>"$GITHUB_STEP_SUMMARY"
