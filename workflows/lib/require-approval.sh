#!/usr/bin/env bash
# Refuses a deploy or destroy that would ask for approval with no terminal to ask on.
#   require-approval.sh <what> <how to add the flag> [cdktf flags...]
# cdktf asks through the terminal (raw mode on stdin). Without one it fails only after the plan, with
# "Raw mode is not supported", leaving a lock-info file and an empty state behind. So without a TTY
# on stdin the run needs --auto-approve, said before anything runs; with one it asks as usual.
set -euo pipefail
what=$1 how=$2
shift 2
for arg in "$@"; do
  [ "$arg" = --auto-approve ] && exit 0
done
[ -t 0 ] && exit 0
echo "$what: no terminal to approve the plan on (stdin is not a TTY, as in CI or a pipe): $how, or run it in a terminal to be asked; nothing was done" >&2
exit 2
