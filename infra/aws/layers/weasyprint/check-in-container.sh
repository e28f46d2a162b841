#!/usr/bin/env bash
# Runs inside a fresh Lambda image (build.sh starts it): the layer alone on /opt, WeasyPrint from PyPI, one PDF.
set -euo pipefail
"$(command -v dnf || command -v microdnf)" install -y unzip > /dev/null
unzip -q /out/weasyprint-layer.zip -d /opt
pip install -q --target /tmp/py "weasyprint==${WEASYPRINT_VERSION}"
PYTHONPATH=/tmp/py LD_LIBRARY_PATH=/opt/lib FONTCONFIG_PATH=/opt/etc/fonts python3 - <<'PY'
import weasyprint

html = '<p style="font-family: DejaVu Serif">Mise en demeure — 1 234,56 €</p>'
pdf = weasyprint.HTML(string=html).write_pdf()
assert pdf.startswith(b"%PDF"), pdf[:8]
print("WeasyPrint", weasyprint.__version__, "rendered", len(pdf), "bytes with the layer only")
PY
