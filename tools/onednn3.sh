#!/usr/bin/env bash
# Puts oneDNN 3.2 (GNU OpenMP build: headers, libdnnl.so.3 and its CMake
# config) into PREFIX from PyPI's onednn-cpu-gomp + onednn-devel-cpu-gomp
# wheels, whose data folders must share one prefix. Then build with
#   cmake -S . -B build-dnnl3 -DCMAKE_PREFIX_PATH=PREFIX
# Usage: tools/onednn3.sh PREFIX     (idempotent; prints one line)
set -euo pipefail
prefix=$1
version=2023.2.0
if [ -f "$prefix/lib/cmake/dnnl/dnnl-config.cmake" ]; then
  echo "onednn3: already in $prefix"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --dest "$work" "onednn-cpu-gomp==$version" "onednn-devel-cpu-gomp==$version"
mkdir -p "$prefix"
for wheel in "$work"/*.whl; do
  python3 -m zipfile -e "$wheel" "$work/unpacked"
done
cp -a "$work"/unpacked/*.data/data/. "$prefix"/
echo "onednn3: oneDNN $(sed -n 's/^set(PACKAGE_VERSION "\(.*\)")/\1/p' "$prefix/lib/cmake/dnnl/dnnl-config-version.cmake") in $prefix"
