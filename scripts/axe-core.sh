#!/usr/bin/env bash
# axe-core (Deque, MPL-2.0), the accessibility engine the browser tests inject into each page state
# (tests/e2e/test_web_phone.py). Prints the path of axe.min.js, fetched once from the npm registry — the
# published tarball, its SHA-1 checked against the registry's record written here — into the user's cache;
# prints nothing when it cannot be had (the accessibility tests then fail and say why).
set -euo pipefail
VERSION="4.14.1"
SHA1="14d8a6f3f085afd126b8b5ca1e42e50e17fb1d99"
DIR="${XDG_CACHE_HOME:-$HOME/.cache}/claims-platform/axe-core-$VERSION"
FILE="$DIR/axe.min.js"
if [ -s "$FILE" ]; then echo "$FILE"; exit 0; fi
REGISTRY="${CLAIMS_NPM_REGISTRY:-https://registry.npmjs.org}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
if ! python3 -c 'import sys, urllib.request; open(sys.argv[2], "wb").write(urllib.request.urlopen(sys.argv[1], timeout=60).read())' \
    "$REGISTRY/axe-core/-/axe-core-$VERSION.tgz" "$TMP/axe.tgz" >&2; then
  echo "axe-core: the npm registry did not answer" >&2
  exit 0
fi
if [ "$(python3 -c 'import hashlib, sys; print(hashlib.sha1(open(sys.argv[1], "rb").read()).hexdigest())' "$TMP/axe.tgz")" != "$SHA1" ]; then
  echo "axe-core: the tarball's SHA-1 does not match the registry's record" >&2
  exit 0
fi
tar -xzf "$TMP/axe.tgz" -C "$TMP" package/axe.min.js
mkdir -p "$DIR"
mv "$TMP/package/axe.min.js" "$FILE"
echo "$FILE"
