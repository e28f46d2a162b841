#!/usr/bin/env bash
# Runs inside a fresh Lambda image (build.sh starts it): the layer alone on /opt, WeasyPrint from PyPI, one
# page rendered with the layer's fonts. Any failure (a library missing, a font not found) fails the build.
set -euo pipefail
# glibc-common brings ldd: without it the library check below would find nothing to complain about.
"$(command -v dnf || command -v microdnf)" install -y unzip glibc-common > /dev/null
command -v ldd > /dev/null || { echo "no ldd in the image: cannot check the layer" >&2; exit 1; }
unzip -q /out/weasyprint-layer.zip -d /opt
# The runtime's own search path, as Lambda sets it (the layer's /opt/lib last).
export LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib
export FONTCONFIG_PATH=/opt/etc/fonts
missing="$(for lib in /opt/lib/*.so*; do ldd "$lib" | grep 'not found' || true; done | sort -u)"
if [ -n "$missing" ]; then
  echo "the layer's libraries link to libraries it lacks:" >&2
  echo "$missing" >&2
  exit 1
fi
pip install -q --target /tmp/py "weasyprint==${WEASYPRINT_VERSION}"
PYTHONPATH=/tmp/py python3 - <<'PY'
import weasyprint

html = '<p style="font-family: DejaVu Serif">Mise en demeure — 1 234,56 €</p>'
pdf = weasyprint.HTML(string=html).write_pdf(uncompressed_pdf=True)
assert pdf.startswith(b"%PDF"), pdf[:8]
assert b"+DejaVu-Serif" in pdf, "the layer's DejaVu Serif was not used"
print("WeasyPrint", weasyprint.__version__, "rendered", len(pdf), "bytes with the layer only")
PY
