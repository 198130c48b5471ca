#!/usr/bin/env bash
# Installs the AWS emulator the sandbox runs (moto, https://github.com/getmoto/moto) and records how
# to start it in $SANDBOX_HOME/emulator/emulator.json (read by tooling/sandbox/emulator.ts). docs/sandbox.md.
#
#   tooling/sandbox/install-emulator.sh          idempotent; about 0.1 s when already installed
#
# Where moto comes from, in order (SANDBOX_EMULATOR=auto, the default):
#   1. a working `moto_server` on PATH (`pip install 'moto[server]'`, moto >= 5.1);
#   2. on Debian-family machines, Debian's python3-moto from the newer suite $SANDBOX_DEBIAN_SUITE
#      (default trixie), downloaded with a PRIVATE apt source list derived at run time from this
#      machine's own Debian sources and unpacked into $SANDBOX_HOME/emulator/debian. The system's apt
#      configuration is never changed; moto's dependencies (all in bookworm) are installed from the
#      machine's configured suites with plain `apt-get install`.
# SANDBOX_EMULATOR=path or =debian forces one route (CI and the tests use `debian` to prove it).
set -euo pipefail

PROJECT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SANDBOX_HOME=${SANDBOX_HOME:-$PROJECT_DIR/.sandbox}
EMULATOR_DIR=$SANDBOX_HOME/emulator
DESCRIPTOR=$EMULATOR_DIR/emulator.json
ROUTE=${SANDBOX_EMULATOR:-auto}
SUITE=${SANDBOX_DEBIAN_SUITE:-trixie}
# Debian's own interpreter: the unpacked package and its apt-installed dependencies are built for it.
DEBIAN_PYTHON=${SANDBOX_DEBIAN_PYTHON:-/usr/bin/python3}
SITE_PACKAGES=$EMULATOR_DIR/debian/usr/lib/python3/dist-packages
# Where the machine's own apt sources and release name are read from (tests point these elsewhere).
APT_ETC=${SANDBOX_APT_ETC:-/etc/apt}
OS_RELEASE=${SANDBOX_OS_RELEASE:-/etc/os-release}

say() { printf 'sandbox-install: %s\n' "$*" >&2; }
fail() {
  printf 'sandbox-install: FAILED: %s\n' "$*" >&2
  exit 1
}

case "$ROUTE" in auto | path | debian) ;; *) fail "SANDBOX_EMULATOR=$ROUTE: use auto, path or debian" ;; esac

mkdir -p "$EMULATOR_DIR"
# Two installs at once (two terminals, CI retries) must not interleave apt downloads and unpacking.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$EMULATOR_DIR/.install.lock"
  flock 9
fi

write_descriptor() { # source command version [python: the path route's interpreter, "" for none found]
  local tmp=$DESCRIPTOR.tmp.$$
  if [ $# -ge 4 ]; then
    printf '{"source":"%s","command":"%s","version":"%s","python":"%s"}\n' "$1" "$2" "$3" "$4" >"$tmp"
  else
    printf '{"source":"%s","command":"%s","version":"%s"}\n' "$1" "$2" "$3" >"$tmp"
  fi
  mv -f "$tmp" "$DESCRIPTOR"
  say "moto $3 ready ($1: $2${4:+, started with $4 through tooling/sandbox/moto-launcher.py})"
}

# The Python interpreter a moto_server script runs on, when the script names one absolute path on its
# first line (pip's console scripts do; a pyenv shim is followed to the script it runs); nothing
# otherwise, and then the sandbox starts moto_server itself. With it, the sandbox starts moto through
# tooling/sandbox/moto-launcher.py (see its header).
moto_python() { # script
  local script=$1 line interp pyenv root
  # A pyenv shim: `exec "<root>/libexec/pyenv" exec "$program"`, after `export PYENV_ROOT="<root>"`.
  pyenv=$(sed -n 's/^exec "\(.*\/libexec\/pyenv\)" exec .*/\1/p' "$script" 2>/dev/null | head -n 1)
  if [ -n "$pyenv" ] && [ -x "$pyenv" ]; then
    root=$(sed -n 's/^export PYENV_ROOT="\(.*\)"$/\1/p' "$script" | head -n 1)
    script=$(PYENV_ROOT=${root:-${PYENV_ROOT:-}} timeout 30 "$pyenv" which moto_server 2>/dev/null) || return 0
  fi
  { IFS= read -r line || [ -n "$line" ]; } 2>/dev/null <"$script" || return 0
  case $line in '#!'/*python*) ;; *) return 0 ;; esac
  interp=${line#'#!'}
  # One absolute path, and nothing emulator.json would have to escape.
  case $interp in *[[:space:]\"\\]*) return 0 ;; esac
  [ -x "$interp" ] && timeout 60 "$interp" -c 'import moto.server' >/dev/null 2>&1 && printf '%s' "$interp"
  return 0
}

debian_moto_version() {
  env -u PYTHONHOME PYTHONPATH="$SITE_PACKAGES" "$DEBIAN_PYTHON" -s -c 'import moto, moto.server; print(moto.__version__)' 2>/dev/null
}

# --- fast path: what a previous run installed still works ------------------------------------------
if [ -f "$DESCRIPTOR" ]; then
  recorded=$(sed -n 's/.*"source":"\([a-z]*\)".*/\1/p' "$DESCRIPTOR")
  recorded_command=$(sed -n 's/.*"command":"\([^"]*\)".*/\1/p' "$DESCRIPTOR")
  recorded_version=$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' "$DESCRIPTOR")
  if [ "$ROUTE" = auto ] || [ "$ROUTE" = "$recorded" ]; then
    if [ "$recorded" = debian ] && [ -f "$SITE_PACKAGES/moto/__init__.py" ] && [ -x "$DEBIAN_PYTHON" ]; then
      say "already installed: $recorded_version (debian, $EMULATOR_DIR/debian)"
      exit 0
    fi
    if [ "$recorded" = path ] && [ -x "$recorded_command" ]; then
      if ! grep -q '"python":' "$DESCRIPTOR"; then
        # Recorded before the launcher existed: the same moto_server, with its interpreter looked for once.
        write_descriptor path "$recorded_command" "$recorded_version" "$(moto_python "$recorded_command")"
        exit 0
      fi
      say "already installed: moto_server on PATH ($recorded_command)"
      exit 0
    fi
  fi
fi

# --- route 1: moto_server on PATH ------------------------------------------------------------------
if [ "$ROUTE" != debian ] && command -v moto_server >/dev/null 2>&1; then
  moto=$(command -v moto_server)
  if timeout 60 "$moto" --help >/dev/null 2>&1; then
    python=$(moto_python "$moto")
    # Its version from its own interpreter, else from the python3 on PATH (the usual pip case).
    version=$("${python:-python3}" -c 'import moto; print(moto.__version__)' 2>/dev/null || echo unknown)
    write_descriptor path "$moto" "$version" "$python"
    exit 0
  fi
  say "moto_server on PATH ($moto) does not run; trying Debian's package"
fi
if [ "$ROUTE" = path ]; then
  fail "SANDBOX_EMULATOR=path but no working moto_server on PATH. Install it: pip install 'moto[server]>=5.1'"
fi

# --- route 2: Debian's python3-moto from the newer suite --------------------------------------------
how_else="Install moto yourself so that moto_server is on PATH: pip install 'moto[server]>=5.1' (or pipx install 'moto[server]'), then run this again."
for tool in apt-get dpkg-deb dpkg-query; do
  command -v "$tool" >/dev/null 2>&1 || fail "this is not a Debian-family machine ($tool missing). $how_else"
done
[ -x "$DEBIAN_PYTHON" ] || fail "$DEBIAN_PYTHON is missing (apt-get install python3). $how_else"

# The archive URI and keyring of the machine's own main Debian suite (never a host name in this repo).
# deb822 files first (Debian 12+ images), then one-line sources.list entries.
mirror_of_machine() {
  local codename
  codename=$(. "$OS_RELEASE" && printf '%s' "${VERSION_CODENAME:-}")
  [ -n "$codename" ] || return 1
  local file
  for file in "$APT_ETC"/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    awk -v codename="$codename" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " codename " ") && (" " comps " ") ~ / main /) {
          split(uris, u, " "); print u[1] "\t" signed; found = 1; exit
        }
        types = ""; uris = ""; suites = ""; comps = ""; signed = ""
      }
      /^[ \t]*$/ { flush(); next }
      /^#/ { next }
      { key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "") }
      key == "types" { types = $0 } key == "uris" { uris = $0 } key == "suites" { suites = $0 }
      key == "components" { comps = $0 } key == "signed-by" { signed = $0 }
      END { if (!found) flush() }
    ' "$file" | head -n 1 | grep . && return 0
  done
  for file in "$APT_ETC"/sources.list "$APT_ETC"/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    awk -v codename="$codename" '
      $1 == "deb" {
        i = 2; signed = ""
        if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) { if ($i ~ /signed-by=/) { signed = $i; sub(/.*signed-by=/, "", signed) } i++ }
                          if ($i ~ /signed-by=/) { signed = $i; sub(/.*signed-by=/, "", signed); sub(/\]$/, "", signed) } i++ }
        if ($(i + 1) == codename) { for (j = i + 2; j <= NF; j++) if ($j == "main") { print $i "\t" signed; exit } }
      }
    ' "$file" | head -n 1 | grep . && return 0
  done
  return 1
}

mirror_line=$(mirror_of_machine) ||
  fail "found no Debian 'main' source for this release in $APT_ETC/sources.list.d/*.sources or $APT_ETC/sources.list. $how_else"
mirror_uri=${mirror_line%%$'\t'*}
keyring=${mirror_line#*$'\t'}
say "fetching python3-moto from Debian $SUITE (same archive as this machine's sources)"

apt_dir=$EMULATOR_DIR/apt
rm -rf "$apt_dir"
mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs"
: >"$apt_dir/sources.list"
{
  echo 'Types: deb'
  echo "URIs: $mirror_uri"
  echo "Suites: $SUITE"
  echo 'Components: main'
  # A keyring file is reused; an inline key block (or none) falls back to apt's trusted keyrings.
  case "$keyring" in /*) echo "Signed-By: $keyring" ;; esac
} >"$apt_dir/sources.list.d/sandbox.sources"
# Every apt path that could be written points into $apt_dir: the system's lists, caches and
# sources stay as they are.
private_apt=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list"
  -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache=$apt_dir/cache"
)
# As root, apt drops to the _apt user, who cannot write into the project directory.
[ "$(id -u)" = 0 ] && private_apt+=(-o "APT::Sandbox::User=root")
# apt-get update only warns when a source cannot be fetched; the index file is the real check.
apt-get -qq "${private_apt[@]}" update >"$apt_dir/update.log" 2>&1 || true
ls "$apt_dir"/lists/*_Packages* >/dev/null 2>&1 ||
  fail "apt-get update of Debian $SUITE failed: no package index from $mirror_uri (see $apt_dir/update.log). $how_else"
(cd "$apt_dir/debs" && apt-get -qq "${private_apt[@]}" download python3-moto >"$apt_dir/download.log" 2>&1) ||
  fail "apt-get download python3-moto from Debian $SUITE failed (see $apt_dir/download.log). $how_else"
deb=$(ls "$apt_dir"/debs/python3-moto_*.deb)

# Its Depends (names only: the versions bookworm has satisfy them, docs/sandbox.md), plus flask-cors,
# which moto.server imports but the Debian package only lists among moto's optional extras.
depends=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/([^)]*)//; s/|.*//; s/:any//; s/[[:space:]]//g' | grep -v '^python3$' | grep .)
missing=()
for package in $depends python3-flask-cors; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing moto's dependencies from this machine's Debian suites: ${missing[*]}"
  as_root=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null ||
      fail "moto needs these Debian packages and this user cannot install them: ${missing[*]}. Run: sudo apt-get install --no-install-recommends ${missing[*]}; then run this again."
    as_root=(sudo -n)
  fi
  if ! apt-cache policy "${missing[0]}" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    "${as_root[@]}" apt-get update -qq
  fi
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$apt_dir/install.log" 2>&1 ||
    fail "apt-get install ${missing[*]} failed (see $apt_dir/install.log). $how_else"
fi

rm -rf "$EMULATOR_DIR/debian.tmp"
dpkg-deb -x "$deb" "$EMULATOR_DIR/debian.tmp"
rm -rf "$EMULATOR_DIR/debian"
mv "$EMULATOR_DIR/debian.tmp" "$EMULATOR_DIR/debian"
version=$(debian_moto_version) ||
  fail "the unpacked moto does not import with $DEBIAN_PYTHON (PYTHONPATH=$SITE_PACKAGES). $how_else"
write_descriptor debian "$DEBIAN_PYTHON" "$version"
