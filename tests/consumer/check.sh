#!/usr/bin/env bash
# Installs the build in BUILD_DIR into a fresh prefix, builds tests/consumer
# against it with find_package(ltp), and runs the consumer on MODEL_DIR.
# Usage: check.sh BUILD_DIR MODEL_DIR
set -euo pipefail
build=$1 model=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/ltp/version.h"
test -x "$work/prefix/bin/ltp-run"
cmake -S "$here" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" -j"$(nproc)" >/dev/null
"$work/build/consumer" "$model"
# The installed ltp-run finds the installed default model without -m.
echo "a charming journey" | "$work/prefix/bin/ltp-run" | grep -q '"label"'
