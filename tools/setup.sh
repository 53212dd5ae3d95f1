#!/usr/bin/env bash
# Installs the build dependencies (Debian packages) when missing, then builds
# ltp in ./build. Safe to re-run; prints one line per step.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ make pkg-config libdnnl-dev libcli11-dev nlohmann-json3-dev libsentencepiece-dev doctest-dev libutf8proc-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The CUDA backend is built when nvcc is found; the toolkit's usual home may be off the PATH.
if ! command -v nvcc >/dev/null 2>&1 && [ -x /usr/local/cuda/bin/nvcc ] && [ -z "${CUDACXX:-}" ]; then
  export CUDACXX=/usr/local/cuda/bin/nvcc
fi

echo "setup: building in ./build"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "setup: done (build/tools/ltp-run)"
