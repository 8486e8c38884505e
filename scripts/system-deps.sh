#!/usr/bin/env bash
# Install the Debian packages outreach needs, when they are missing.
#   scripts/system-deps.sh demo   fonts (Liberation, and Noto for Greek, Cyrillic, CJK,
#                                 Arabic and Hebrew names) and WeasyPrint's font subsetter
#   scripts/system-deps.sh test   the above, and what the tests read documents with:
#                                 poppler-utils (pdftotext, pdfinfo), qpdf, LibreOffice
# Does nothing when everything is there; needs root (or sudo) to install.
set -euo pipefail
want="${1:-test}"

packages=()
# Read the listings into variables first: `cmd | grep -q` under pipefail fails when
# grep stops early and cmd dies of SIGPIPE on a long listing.
fonts=$(fc-list 2>/dev/null || true)
libs=$(ldconfig -p 2>/dev/null || true)
has() { case "$1" in *"$2"*) return 0 ;; *) return 1 ;; esac; }
has "$fonts" "Liberation Serif" || packages+=(fonts-liberation2)
has "$fonts" "Noto Sans CJK" || packages+=(fonts-noto-cjk)
has "$fonts" "Noto Naskh Arabic" || packages+=(fonts-noto-core)
has "$libs" "libharfbuzz-subset.so" || packages+=(libharfbuzz-subset0)
has "$libs" "libpango-1.0.so" || packages+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ "$want" = "test" ]; then
  command -v pdftotext >/dev/null || packages+=(poppler-utils)
  command -v qpdf >/dev/null || packages+=(qpdf)
  command -v soffice >/dev/null || packages+=(libreoffice-writer-nogui)
fi
[ ${#packages[@]} -eq 0 ] && exit 0

echo "installing Debian packages: ${packages[*]}"
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "cannot install ${packages[*]}: run as root, or install them yourself" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${packages[@]}"
