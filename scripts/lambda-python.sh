#!/usr/bin/env bash
# A CPython of the Lambda functions' version (infra/aws/packaging.py RUNTIME), used to compile the Lambda
# packages' bytecode (Lambda's file system is read-only: a package without .pyc compiles every module it
# imports at every cold start), and to import the deployed zips as Lambda would (tests/infra). Prints the
# interpreter's path on stdout, or nothing when there is none (the synth then warns `claims:no-bytecode` and
# ships the packages without bytecode).
#
# Found, in this order: CLAIMS_LAMBDA_PYTHON; python3.13 on the PATH; the copy this script made before; one
# uv manages (`uv python install 3.13` on a machine that reaches GitHub). Otherwise, on Debian x86_64 (this
# project's machines, which reach only the PyPI, Debian and npm registries), Debian 13's own python3.13 is
# fetched with apt from the Debian archive — signatures and hashes checked by apt against the system's
# debian-archive-keyring — and unpacked (nothing is installed) with Debian 13's C library and OpenSSL beside
# it; patchelf points the interpreter's ELF loader and library path at them (Debian 12's glibc 2.36 is older
# than the 2.38 it needs).
set -euo pipefail
VERSION="3.13"
HOME_DIR="${CLAIMS_LAMBDA_PYTHON_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/claims-platform/lambda-python-$VERSION}"
MIRROR="${CLAIMS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE="trixie"
KEYRING="/usr/share/keyrings/debian-archive-keyring.gpg"
COPY="$HOME_DIR/root/usr/bin/python$VERSION-lambda"

is_target() { [ -n "$1" ] && "$1" -c "import sys; assert '%d.%d' % sys.version_info[:2] == '$VERSION'" 2>/dev/null; }

for candidate in "${CLAIMS_LAMBDA_PYTHON:-}" "$(command -v "python$VERSION" || true)" "$COPY"; do
  if is_target "$candidate"; then echo "$candidate"; exit 0; fi
done
UV="$(command -v uv || echo .venv/bin/uv)"
if [ -x "$UV" ] && found="$("$UV" python find --no-python-downloads "$VERSION" 2>/dev/null)" && is_target "$found"; then
  echo "$found"; exit 0
fi

skip() { echo "lambda-python: $1; the Lambda packages will have no bytecode (README, 'Compiled bytecode')." >&2; exit 0; }
[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || skip "no python$VERSION here (try: uv python install $VERSION)"
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || skip "not a Debian system, no python$VERSION"
[ -r "$KEYRING" ] || skip "no Debian archive keyring ($KEYRING)"
command -v patchelf >/dev/null || skip "patchelf missing (make setup installs it)"

echo "lambda-python: fetching Debian $SUITE's python$VERSION into $HOME_DIR (for the Lambda bytecode only)" >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs"
echo "deb [signed-by=$KEYRING] $MIRROR $SUITE main" >"$work/sources.list"
: >"$work/status"
APT=(apt-get -q -o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=$work/none"
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "Dir::State::Status=$work/status"
  -o "APT::Architecture=amd64" -o "APT::Sandbox::User=$(id -un)" -o "Debug::NoLocking=1")
"${APT[@]}" update >"$work/update.log" 2>&1 || { cat "$work/update.log" >&2; skip "the Debian archive did not answer"; }
(cd "$work/debs" && "${APT[@]}" download "python$VERSION-minimal" "libpython$VERSION-minimal" \
  "libpython$VERSION-stdlib" libc6 libssl3t64 >"$work/download.log" 2>&1) || { cat "$work/download.log" >&2; skip "download failed"; }
rm -rf "$HOME_DIR.partial"
mkdir -p "$HOME_DIR.partial/root"
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$HOME_DIR.partial/root"; done
libs="$HOME_DIR/root/usr/lib/x86_64-linux-gnu"
cp "$HOME_DIR.partial/root/usr/bin/python$VERSION" "$HOME_DIR.partial/root/usr/bin/python$VERSION-lambda"
patchelf --set-interpreter "$libs/ld-linux-x86-64.so.2" --force-rpath --set-rpath "$libs" \
  "$HOME_DIR.partial/root/usr/bin/python$VERSION-lambda"
rm -rf "$HOME_DIR"
mv "$HOME_DIR.partial" "$HOME_DIR"
is_target "$COPY" || skip "Debian $SUITE's python$VERSION does not run here"
echo "$COPY"
