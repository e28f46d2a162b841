#!/usr/bin/env bash
# Runs inside the Amazon Linux 2023 Lambda image (build.sh starts it): installs the packages and copies
# what WeasyPrint needs, and nothing the Lambda image already has, into /out/weasyprint-layer.zip.
set -euo pipefail
ls /usr/lib64 > /tmp/base-libs.txt
DNF="$(command -v dnf || command -v microdnf)"  # the Lambda images of AL2023 ship microdnf
"$DNF" install -y pango harfbuzz fontconfig freetype fribidi dejavu-serif-fonts dejavu-sans-fonts \
  glibc-common findutils zip binutils > /dev/null
mkdir -p /layer/lib /layer/share/fonts/truetype/dejavu /layer/etc/fonts
# The libraries WeasyPrint opens (cffi dlopen) and everything they link to.
for lib in libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz.so.0 libharfbuzz-subset.so.0 libfontconfig.so.1; do
  for path in "/usr/lib64/$lib" $(ldd "/usr/lib64/$lib" | awk '$3 ~ /^\/usr\/lib64\// {print $3}'); do
    grep -qx "$(basename "$path")" /tmp/base-libs.txt || cp -L "$path" /layer/lib/
  done
done
cp /usr/share/fonts/dejavu-serif-fonts/*.ttf /usr/share/fonts/dejavu-sans-fonts/*.ttf \
  /layer/share/fonts/truetype/dejavu/
cp /src/fonts.conf /layer/etc/fonts/fonts.conf
strip --strip-unneeded /layer/lib/*.so* 2>/dev/null || true
(cd /layer && zip -q -r -9 /out/weasyprint-layer.zip .)
du -sh /layer
