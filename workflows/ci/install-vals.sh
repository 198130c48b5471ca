#!/usr/bin/env bash
# CI only: installs vals (production resolves its secret references with it) from its GitHub
# release, verified against the release's checksum file, into $RUNNER_TEMP/bin (added to PATH).
#   VALS_VERSION=0.41.1 workflows/ci/install-vals.sh
set -euo pipefail

: "${RUNNER_TEMP:?RUNNER_TEMP is not set: this script is for GitHub Actions}"
: "${GITHUB_PATH:?GITHUB_PATH is not set: this script is for GitHub Actions}"
version=${VALS_VERSION:?set VALS_VERSION (a release of https://github.com/helmfile/vals/releases)}
archive=vals_${version}_linux_amd64.tar.gz
base=https://github.com/helmfile/vals/releases/download/v${version}
dir=$RUNNER_TEMP/vals
mkdir -p "$dir" "$RUNNER_TEMP/bin"
cd "$dir"
curl -fsSLo "$archive" "$base/$archive"
curl -fsSLo checksums.txt "$base/vals_${version}_checksums.txt"
grep " ${archive}\$" checksums.txt | sha256sum --check --strict -
tar -xzf "$archive" vals
install -m 0755 vals "$RUNNER_TEMP/bin/vals"
echo "$RUNNER_TEMP/bin" >>"$GITHUB_PATH"
echo "install-vals: vals $version"
