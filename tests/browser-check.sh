#!/usr/bin/env bash
# Browser check: loads a report from a file URL in headless Chromium (installing Debian's chromium if
# it is missing), fails on any console message — the page's Content-Security-Policy turns every
# attempted network load into one — and saves a full-page screenshot.
#   tests/browser-check.sh REPORT_DIR/index.html SCREENSHOT.png
set -euo pipefail
html=$(readlink -f "${1:?index.html}")
shot=$(readlink -f "$(dirname "${2:?screenshot.png}")")/$(basename "$2")
if ! command -v chromium >/dev/null; then
  echo "installing chromium (Debian package)…" >&2
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --hide-scrollbars "--user-data-dir=$profile")
timeout 120 chromium "${flags[@]}" --window-size=1280,7000 --screenshot="$shot" --enable-logging=stderr --v=0 \
  "file://$html" >/dev/null 2>"$profile/log" || true
console=$(grep ':CONSOLE' "$profile/log" || true)
if [ -n "$console" ]; then
  echo "browser check failed: the page wrote to the console:" >&2
  echo "$console" >&2
  exit 1
fi
if grep -Eo '(src|href)="(https?:)?//[^"]*"' "$html" | head -1 | grep -q .; then
  echo "browser check failed: the page references a network resource" >&2
  exit 1
fi
size=$(stat -c %s "$html")
if [ "$size" -gt $((3 * 1024 * 1024)) ]; then
  echo "browser check failed: the page is $size bytes, over 3 MB" >&2
  exit 1
fi
[ -s "$shot" ] || { echo "browser check failed: no screenshot" >&2; exit 1; }
echo "browser check passed: no console message, no network reference, $((size / 1024)) KB, screenshot $shot"
