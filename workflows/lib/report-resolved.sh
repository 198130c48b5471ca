#!/usr/bin/env bash
# Run by `vals exec` with the resolved secrets in the environment: reports, per key of the vals file,
# whether it resolved to a non-empty value. Prints names only, never a value.
#   vals exec -i -f secrets.yaml -- report-resolved.sh secrets.yaml
set -euo pipefail

vals_file=$1
# The keys come from the YAML file itself (parsed with the project's yaml library, not by hand).
mapfile -t keys < <(node -e '
  const doc = require("yaml").parse(require("fs").readFileSync(process.argv[1], "utf8")) || {};
  for (const key of Object.keys(doc)) console.log(key);
' "$vals_file")

empty=()
for key in "${keys[@]}"; do
  if [ -n "${!key:-}" ]; then
    echo "  $key: resolved"
  else
    echo "  $key: EMPTY"
    empty+=("$key")
  fi
done
[ ${#keys[@]} -gt 0 ] || { echo "secrets-check: $vals_file lists no keys" >&2; exit 1; }
[ ${#empty[@]} -eq 0 ] || { echo "secrets-check: empty after resolution: ${empty[*]}" >&2; exit 1; }
echo "secrets-check: all ${#keys[@]} reference(s) resolved"
