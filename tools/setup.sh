#!/usr/bin/env bash
# Installs the build dependencies (Debian packages) when missing, then builds
# ltp in ./build. Safe to re-run; prints one line per step.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/install_packages.sh setup cmake g++ make pkg-config libdnnl-dev libcli11-dev nlohmann-json3-dev \
  libsentencepiece-dev doctest-dev libutf8proc-dev

# The CUDA backend is built when nvcc is found; the toolkit's usual home may be off the PATH.
if ! command -v nvcc >/dev/null 2>&1 && [ -x /usr/local/cuda/bin/nvcc ] && [ -z "${CUDACXX:-}" ]; then
  export CUDACXX=/usr/local/cuda/bin/nvcc
fi

echo "setup: building in ./build"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "setup: done (build/tools/ltp-run)"
