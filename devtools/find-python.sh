#!/usr/bin/env bash
# Print the path of a working CPython X.Y, for the Makefile and noxfile.py:
#
#     devtools/find-python.sh 3.13
#
# First `pythonX.Y` on PATH, if it runs (a pyenv shim for a version that is not
# selected is on PATH but fails); else the newest $PYENV_ROOT/versions/X.Y*
# (default ~/.pyenv). Prints the interpreter's own path (sys.executable, not a
# shim); exits 1 with a one-line error naming what to install when none runs.
set -euo pipefail
version="${1:-}"
if [[ ! $version =~ ^3\.[0-9]+$ ]]; then
    echo "usage: find-python.sh X.Y (e.g. 3.13), got '${version}'" >&2
    exit 2
fi
name="python$version"
check="import sys; assert sys.version_info[:2] == (${version%%.*}, ${version#*.}); print(sys.executable)"

works() {  # prints the real executable of "$1" if it runs and is Python X.Y
    "$1" -c pass >/dev/null 2>&1 && "$1" -c "$check" 2>/dev/null
}

if found="$(command -v "$name")" && works "$found"; then
    exit 0
fi
root="${PYENV_ROOT:-$HOME/.pyenv}"
# versions/3.13 and versions/3.13.* (not 3.130), newest patch release first.
for dir in $(ls -d "$root/versions/$version" "$root/versions/$version".* 2>/dev/null | sort -rV); do
    if [ -x "$dir/bin/$name" ] && works "$dir/bin/$name"; then
        exit 0
    fi
done
echo "error: no working $name (not on PATH, not in $root/versions): install Python $version (e.g. \`pyenv install $version\` or your system's $name package)" >&2
exit 1
