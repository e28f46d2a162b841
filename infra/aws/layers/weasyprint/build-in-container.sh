#!/usr/bin/env bash
# Runs inside the Amazon Linux 2023 Lambda image (build.sh starts it, on your machine or in the stage's
# CodeBuild project): installs the packages and copies what WeasyPrint needs, and nothing the Lambda image
# already has, into /out/weasyprint-layer.zip. check-in-container.sh then proves the layer works alone.
set -euo pipefail
# shellcheck source=libs.sh
source /src/libs.sh
# What the image has before any install (/lib64 is a link to /usr/lib64 on AL2023).
ls /usr/lib64 > /tmp/base-libs.txt
DNF="$(command -v dnf || command -v microdnf)"  # the Lambda images of AL2023 ship microdnf
"$DNF" install -y pango harfbuzz fontconfig freetype fribidi dejavu-serif-fonts dejavu-sans-fonts \
  glibc-common findutils zip binutils > /dev/null
mkdir -p /layer/lib /layer/share/fonts/truetype/dejavu /layer/etc/fonts
# The libraries WeasyPrint opens (cffi dlopen) and everything they link to.
libraries="$(layer_libraries /tmp/base-libs.txt \
  /usr/lib64/libpango-1.0.so.0 /usr/lib64/libpangoft2-1.0.so.0 /usr/lib64/libharfbuzz.so.0 \
  /usr/lib64/libharfbuzz-subset.so.0 /usr/lib64/libfontconfig.so.1)"
for path in $libraries; do
  cp -L "$path" /layer/lib/
done
echo "layer libraries: $(ls /layer/lib | tr '\n' ' ')"
cp /usr/share/fonts/dejavu-serif-fonts/*.ttf /usr/share/fonts/dejavu-sans-fonts/*.ttf \
  /layer/share/fonts/truetype/dejavu/
cp /src/fonts.conf /layer/etc/fonts/fonts.conf
strip --strip-unneeded /layer/lib/*.so* 2>/dev/null || true
# The budget the packaging test counts on (infra/aws/packaging.py, PDF_LAYER_BUDGET): 40 MiB unzipped.
size="$(du -sb /layer | cut -f1)"
echo "layer: $size bytes unzipped"
if [ "$size" -gt $((40 * 1024 * 1024)) ]; then
  echo "the layer exceeds its 40 MiB budget (infra/aws/packaging.py PDF_LAYER_BUDGET)" >&2
  exit 1
fi
(cd /layer && zip -q -r -9 /out/weasyprint-layer.zip .)
