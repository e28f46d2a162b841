#!/usr/bin/env bash
# Builds the WeasyPrint Lambda layer: Pango, HarfBuzz, fontconfig and their libraries, plus the DejaVu
# fonts the letters use, all from Amazon Linux 2023 packages (the OS of the python3.13 Lambda runtime),
# then checks it: a fresh container of the Lambda image, with only the layer on /opt, renders a PDF with
# WeasyPrint. Any missing library fails the build.
#
# Where it runs:
#   - by default on AWS, in the stage's CodeBuild project (stack <prefix>-pdf-layer): `make pdf-layer`
#     needs only AWS credentials; the project publishes the layer and stores its ARN in SSM, where the
#     stack reads it (README, "Deploying to AWS");
#   - or on your machine with Docker or Podman (CONTAINER=podman to choose): `make pdf-layer-docker`, then
#     set "weasyprint_layer_zip": "layers/weasyprint/build/weasyprint-layer.zip" in infra/aws/config.json.
# Network: the Amazon Linux repositories, public.ecr.aws (the Lambda image) and PyPI.
#
# Layout (Lambda extracts a layer into /opt; /opt/lib is on LD_LIBRARY_PATH):
#   lib/*.so*                               shared libraries not already in the Lambda image
#   share/fonts/truetype/dejavu/*.ttf       where chalicelib/documents/render.py looks for the fonts
#   etc/fonts/fonts.conf                    fontconfig, found through FONTCONFIG_PATH=/opt/etc/fonts
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$HERE/build"
IMAGE="${IMAGE:-public.ecr.aws/lambda/python:3.13}"
CONTAINER="${CONTAINER:-$(command -v docker || command -v podman || true)}"
# CodeBuild passes the version (only this folder is its source); locally it is read from requirements.txt.
if [ -z "${WEASYPRINT_VERSION:-}" ]; then
  WEASYPRINT_VERSION="$(grep -i '^weasyprint==' "$HERE/../../../../requirements.txt" | cut -d= -f3)"
fi
if [ -z "$CONTAINER" ]; then
  echo "Docker or Podman is needed to build the layer here; without them: make pdf-layer (on AWS)." >&2
  exit 1
fi
rm -rf "$OUT" && mkdir -p "$OUT"

"$CONTAINER" run --rm --entrypoint /bin/bash -v "$HERE:/src:ro" -v "$OUT:/out" "$IMAGE" /src/build-in-container.sh
"$CONTAINER" run --rm --entrypoint /bin/bash -v "$HERE:/src:ro" -v "$OUT:/out" \
  -e WEASYPRINT_VERSION="$WEASYPRINT_VERSION" "$IMAGE" /src/check-in-container.sh
ls -l "$OUT/weasyprint-layer.zip"
