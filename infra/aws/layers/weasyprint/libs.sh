#!/usr/bin/env bash
# Sourced by build-in-container.sh (and tests/infra/test_pdf_layer.py): which shared libraries go into the layer.
#
#   layer_libraries BASE_LIST LIB...
#
# prints, one per line, each LIB and every library it links to as `ldd` prints them, except those whose file
# name is in BASE_LIST (what the Lambda image has before any package is installed). On the Lambda image
# LD_LIBRARY_PATH puts /lib64 before /usr/lib64 (the same folder: /lib64 is a link), so `ldd` prints
# /lib64/…: both spellings are taken. A library `ldd` cannot find fails the build (exit 1).
layer_libraries() {
  local base="$1" lib found
  shift
  found="$(for lib in "$@"; do
    echo "$lib"
    ldd "$lib" | awk '
      $2 == "=>" && $3 == "not" { print "MISSING " $1; next }
      $2 == "=>" && $3 ~ /^\/(usr\/)?lib(64)?\// { print $3 }'
  done | sort -u)"
  if grep -q '^MISSING ' <<<"$found"; then
    echo "libraries not found by ldd: $(grep '^MISSING ' <<<"$found" | cut -d' ' -f2 | tr '\n' ' ')" >&2
    return 1
  fi
  while read -r lib; do
    [ -n "$lib" ] || continue
    grep -qx "$(basename "$lib")" "$base" || echo "$lib"
  done <<<"$found"
}
