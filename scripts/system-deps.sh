#!/usr/bin/env bash
# Installs the Debian packages the platform and its tests need, only when missing.
# WeasyPrint needs Pango (and fontconfig) plus a font; poppler-utils lets tests and humans look at PDFs;
# chromium drives the browser tests of the web interface; patchelf lets scripts/lambda-python.sh run Debian 13's
# python3.13 here to compile the Lambda packages' bytecode.
set -euo pipefail
# Debian (and derivatives) only: elsewhere (macOS, Amazon Linux, Fedora…) nothing is installed. The AWS
# commands (make synth, make deploy, make pdf-layer) need none of these packages; the local platform needs
# Pango and a font for its PDFs (see README).
if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Not a Debian system: no system package installed (Pango, fontconfig, DejaVu fonts and Chromium are" \
    "needed only by the local platform and its tests; install them with your package manager)."
  exit 0
fi
PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core poppler-utils chromium nodejs patchelf)
missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
