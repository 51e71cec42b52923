#!/usr/bin/env bash
# Installs the Debian packages the portal needs, only those missing.
# WeasyPrint: Pango (with libthai for Thai line breaking) and HarfBuzz subsetting.
# Browser tests: Debian's Chromium. PDF checks: poppler-utils. Translations: gettext.
set -euo pipefail
packages=(
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libthai0 libthai-data
  fontconfig gettext poppler-utils chromium
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing system packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
