#!/usr/bin/env bash
# Builds the WeasyPrint Lambda layer: Pango, HarfBuzz, fontconfig and their libraries, plus the DejaVu
# fonts the letters use, all from Amazon Linux 2023 packages (the OS of the python3.12+ Lambda runtimes).
#
#   bash infra/aws/layers/weasyprint/build.sh          (or: make pdf-layer)
#
# Needs Docker or Podman on your machine (CONTAINER=podman to choose), and network access to the
# Amazon Linux repositories and PyPI. Writes build/weasyprint-layer.zip next to this script, then checks it:
# a fresh container of the Lambda image, with only the layer mounted on /opt, renders a PDF with WeasyPrint.
#
# Layout (Lambda extracts a layer into /opt; /opt/lib is on LD_LIBRARY_PATH):
#   lib/*.so*                               shared libraries not already in the Lambda image
#   share/fonts/truetype/dejavu/*.ttf       where chalicelib/documents/render.py looks for the fonts
#   etc/fonts/fonts.conf                    fontconfig, found through FONTCONFIG_PATH=/opt/etc/fonts
#
# The functions that use it must run python3.12 or later: Chalice picks the runtime from the Python that
# packages the app, so deploy from a Python 3.12 virtual environment (make setup PYTHON=python3.12).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../../.." && pwd)"
OUT="$HERE/build"
IMAGE="${IMAGE:-public.ecr.aws/lambda/python:3.12}"
CONTAINER="${CONTAINER:-$(command -v docker || command -v podman || true)}"
WEASYPRINT_VERSION="$(grep -i '^weasyprint==' "$ROOT/requirements.txt" | cut -d= -f3)"
if [ -z "$CONTAINER" ]; then
  echo "Docker or Podman is needed to build the layer on Amazon Linux 2023." >&2
  exit 1
fi
rm -rf "$OUT" && mkdir -p "$OUT"

"$CONTAINER" run --rm --entrypoint /bin/bash -v "$HERE:/src:ro" -v "$OUT:/out" "$IMAGE" /src/build-in-container.sh
"$CONTAINER" run --rm --entrypoint /bin/bash -v "$HERE:/src:ro" -v "$OUT:/out" \
  -e WEASYPRINT_VERSION="$WEASYPRINT_VERSION" "$IMAGE" /src/check-in-container.sh
ls -l "$OUT/weasyprint-layer.zip"
echo "Set \"weasyprint_layer_zip\": \"layers/weasyprint/build/weasyprint-layer.zip\" in infra/aws/config.json (the default)."
