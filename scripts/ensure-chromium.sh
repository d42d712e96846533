#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests when it is missing (as root, with apt).
# Playwright drives it through executable_path; no browser is downloaded. Without root
# or apt, the browser tests skip and say why (CI sets UNCC_REQUIRE_BROWSER=1 to fail).
set -uo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "ensure-chromium: installing Debian's chromium" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 || \
    { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1; }
fi
command -v chromium >/dev/null 2>&1 || echo "ensure-chromium: chromium is not available; the browser tests will skip" >&2
exit 0
