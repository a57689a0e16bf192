#!/bin/sh
# Install what the whole test suite needs, then run it.
#   sh tests/run.sh [pytest arguments]
# System packages (Chromium for the browser tests, LibreOffice and poppler for the
# document tests, Times-compatible fonts) come from Debian's packages when missing and
# we are root; Python packages from the project's [test] extra.
set -eu
cd "$(dirname "$0")/.."

need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v soffice >/dev/null 2>&1 || need="$need libreoffice-writer-nogui"
command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
[ -e /usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf ] || need="$need fonts-liberation"
if [ -n "$need" ]; then
    if [ "$(id -u)" = "0" ]; then
        echo "Installing system packages:$need"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
    else
        echo "Missing system packages (install them as root):$need" >&2
    fi
fi

python3 -m pip install -q -e '.[test]'
exec python3 -m pytest "$@"
