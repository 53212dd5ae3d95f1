#!/usr/bin/env bash
# check.sh's configure step as on a bare GPU machine, tested here on the CPU:
# in a private mount namespace an overlay on /usr hides every installed file of
# ltp's dependencies and of the packages in .gpu-deps, so CMake can find them
# only in the prefix check.sh unpacks from .gpu-deps. Passes when the configure
# step does and found oneDNN and OpenCL in that prefix. Needs root (or
# unprivileged user namespaces), dpkg, and the CUDA toolkit (nvcc on the PATH or
# in /usr/local/cuda).
#
#   tools/gpu/test_bare_configure.sh [BUILD_DIR]   (default: a temporary folder, removed after)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${LTP_BARE_NAMESPACE:-}" ]; then
  [ -d .gpu-deps ] || bash tools/gpu/bring_deps.sh
  namespace=(unshare --mount)
  [ "$(id -u)" -eq 0 ] || namespace=(unshare --user --map-root-user --mount)
  exec env LTP_BARE_NAMESPACE=1 "${namespace[@]}" bash "$0" "$@"
fi

work=$(mktemp -d)
trap 'umount -l /usr "$work" 2>/dev/null; rmdir "$work"' EXIT  # lazily: this shell still holds files of the overlay
mount -t tmpfs ltp-bare "$work"
mkdir "$work/hidden" "$work/out"
# Installed here, absent from a bare CUDA image: ltp's dependencies (matched by
# name, so that what the packages' Recommends brought in is hidden too, e.g.
# the OpenCL headers) and whatever .gpu-deps carries.
packages=$({
  dpkg-query -W -f '${Package}\n' | grep -E '^(lib)?(dnnl|cli11|nlohmann|sentencepiece|utf8proc|doctest|opencl|ocl-icd|pkgconf|pkg-config)'
  for deb in .gpu-deps/*.deb; do dpkg-deb -f "$deb" Package; done
} | sort -u)
count=0
for package in $packages; do
  while read -r file; do
    # A whiteout (character device 0/0) in an upper layer hides the file below.
    if [[ $file == /usr/* && ( -L $file || -f $file ) ]]; then
      mkdir -p "$(dirname "$work/hidden/${file#/usr/}")"
      mknod "$work/hidden/${file#/usr/}" c 0 0
      count=$((count + 1))
    fi
  done < <(dpkg -L "$package" 2>/dev/null || true)  # not installed here: nothing to hide
done
mount -t overlay ltp-bare -o "lowerdir=$work/hidden:/usr" /usr
echo "bare: hid $count files of $(wc -w <<<"$packages") packages under /usr"
if [ -e /usr/include/CL/cl.h ] || [ -e /usr/lib/x86_64-linux-gnu/cmake/dnnl/dnnl-config.cmake ]; then
  echo "bare: hiding failed"
  exit 1
fi

build=${1:-$work/build}
status=0
bash tools/gpu/check.sh "$work/out" --steps configure --build "$build" || status=$?
# Both what oneDNN is and what its CMake config asks for must come from the prefix.
for entry in dnnl_DIR OpenCL_INCLUDE_DIR; do
  found=$(grep -m1 "^$entry:" "$build/CMakeCache.txt" 2>/dev/null | cut -d= -f2 || true)
  [[ $found == "${TMPDIR:-/tmp}/ltp-gpu-deps/"* ]] || { echo "bare: $entry is '$found', not in the prefix"; status=1; }
done
if ((status == 0)); then
  echo "bare: PASS (configure ok, dependencies from the prefix)"
else
  echo "bare: FAIL (see above)"
  exit 1
fi
