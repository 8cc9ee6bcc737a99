#!/bin/sh
# Installs the Debian packages listed in system-packages.txt that are missing (`make test` calls it first).
# As root it runs apt-get; with password-less sudo, sudo apt-get; otherwise it stops and prints the exact
# command to run.
set -eu
LIST=${CHIEFTECH_SYSTEM_PACKAGES:-"$(dirname "$0")/system-packages.txt"}
if [ ! -r "$LIST" ]; then
    echo "Cannot read the package list $LIST" >&2
    exit 1
fi
packages=$(grep -v '^[[:space:]]*#' "$LIST" | tr -s '[:space:]' ' ')

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "Not a Debian system: make sure the equivalents of these Debian packages are installed:$packages" >&2
    exit 0
fi

missing=""
for package in $packages; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done
[ -z "$missing" ] && exit 0

echo "Installing the missing system packages:$missing"
if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$missing
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$missing
else
    echo "make test needs these Debian packages, and installing them needs root. Run:" >&2
    echo "    sudo apt-get install -y$missing" >&2
    echo "then make test again." >&2
    exit 1
fi
