#!/usr/bin/env bash
# The GPU check, for a machine with an NVIDIA GPU, the CUDA toolkit, PyTorch
# with CUDA, and ltp's build dependencies (tools/setup.sh lists them):
#   1. builds ltp with the CUDA backend in ./build-gpu,
#   2. runs the gpu-labelled tests (CUDA against the CPU path: fp32 logits
#      within 1e-3 and identical tokens kept, fp16/bf16 within 2e-2),
#   3. benchmarks ltp dense and pruned against PyTorch eager on the same GPU
#      (tools/gpu/bench.py): BERT-base shape at batch 1, 32, 256 × length 128,
#      512 in fp32 and fp16, and, with --data, the default LTP model on real text.
# Writes gpu.txt, build.log, gpu_tests.log, bench.json, table.md and, where
# compute-sanitizer exists, sanitizer.log to OUT (six files).
# Packages downloaded by tools/gpu/bring_deps.sh into ./.gpu-deps are unpacked
# into a private prefix and used instead of installed ones.
# Exits non-zero when the build or a test fails (after the benchmarks).
# About 5 minutes on an H200.
#
#   tools/gpu/check.sh OUT [--data GLUE_TASK_DIR]      e.g. --data data/glue/SST-2
set -euo pipefail
out=${1:?usage: tools/gpu/check.sh OUT [--data GLUE_TASK_DIR]}
shift
data=""
if [ "${1:-}" = "--data" ]; then data=$(realpath "${2:?--data needs a folder}"); fi
mkdir -p "$out"
out=$(realpath "$out")
cd "$(dirname "$0")/../.."

if compgen -G ".gpu-deps/*.deb" >/dev/null; then
  prefix=/tmp/ltp-gpu-deps
  for deb in .gpu-deps/*.deb; do dpkg-deb -x "$deb" "$prefix"; done
  libdir="$prefix/usr/lib/x86_64-linux-gnu"
  export CMAKE_PREFIX_PATH="$prefix/usr${CMAKE_PREFIX_PATH:+:$CMAKE_PREFIX_PATH}"
  export PKG_CONFIG_PATH="$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$prefix"
  export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  command -v pkg-config >/dev/null || export PATH="$prefix/usr/bin:$PATH"
  echo "check: using the packages in .gpu-deps (unpacked in $prefix)"
fi

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/gpu.txt"

echo "check: building ./build-gpu (log: $out/build.log)"
cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release -DLTP_WITH_CUDA=ON \
  -DCMAKE_CUDA_ARCHITECTURES="${LTP_CUDA_ARCHITECTURES:-90}" >"$out/build.log" 2>&1
cmake --build build-gpu -j"$(nproc)" --target ltp-bench ltp_gpu_tests >>"$out/build.log" 2>&1

echo "check: gpu tests (log: $out/gpu_tests.log)"
# Run directly, not through ctest: here a skip (exit 77, no device) is a failure.
# A failure is reported at the end: the benchmarks still run, as one call may be all there is.
export LTP_TEST_DATA="$PWD/tests/data"
tests=0
build-gpu/tests/ltp_gpu_tests 2>&1 | tee "$out/gpu_tests.log" || tests=$?
[ "$tests" -eq 77 ] && exit 77

echo "check: benchmarks"
python3 tools/gpu/bench.py --ltp-bench build-gpu/tools/ltp-bench --out "$out" ${data:+--data "$data"}

if command -v compute-sanitizer >/dev/null; then
  echo "check: compute-sanitizer memcheck on the op and tiny-model tests (log: $out/sanitizer.log)"
  compute-sanitizer --tool memcheck --error-exitcode 1 build-gpu/tests/ltp_gpu_tests --test-case-exclude="*BERT-base*" \
    >"$out/sanitizer.log" 2>&1 || { echo "check: memcheck found errors"; tests=1; }
fi
echo "check: done; the table is $out/table.md"
exit "$tests"
