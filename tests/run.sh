#!/bin/sh
# Install what the whole test suite needs, then run it.
#   sh tests/run.sh [pytest arguments]
#
# Python packages: the project with its [test] extra, installed into the active virtual
# environment; with none active, into .venv/ in the repository (created when missing). CI
# activates a brand-new environment first, so nothing installed by hand can hide a missing
# dependency.
# System packages (Chromium for the browser tests, LibreOffice and poppler for the document
# tests, Times-compatible fonts) come from Debian's packages when missing and we are root.
set -eu
cd "$(dirname "$0")/.."

need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v soffice >/dev/null 2>&1 || need="$need libreoffice-writer-nogui"
command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
command -v pgrep >/dev/null 2>&1 || need="$need procps"
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

if [ -z "${VIRTUAL_ENV:-}" ]; then
    [ -x .venv/bin/python ] || python3 -m venv .venv
    VIRTUAL_ENV="$PWD/.venv"
    PATH="$VIRTUAL_ENV/bin:$PATH"
    export VIRTUAL_ENV PATH
fi
echo "Installing the project and its test extra into $VIRTUAL_ENV"
python -m pip install -q --upgrade pip
python -m pip install -q -e '.[test]'
# One test process per core (-n auto); a later -n in the arguments wins (-n 0: one process).
exec python -m pytest -n auto "$@"
