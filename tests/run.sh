#!/usr/bin/env bash
# The whole test suite: builds (via tools/setup.sh) and runs ctest; then the
# same suite against oneDNN 3 (tools/onednn3.sh, from PyPI), under
# AddressSanitizer + UndefinedBehaviorSanitizer and under ThreadSanitizer; then
# each libFuzzer harness for LTP_FUZZ_SECONDS (20). The extra builds leave the
# CUDA backend out: the sanitizers cannot see device code, and they also prove
# the CPU-only configuration. Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

bash tools/setup.sh
(cd build && ctest -j"$jobs" --output-on-failure)

echo "tests: oneDNN 3 build in ./build-dnnl3"
bash tools/onednn3.sh "$PWD/.deps/onednn3"
cmake -S . -B build-dnnl3 -DCMAKE_PREFIX_PATH="$PWD/.deps/onednn3" -DLTP_WITH_CUDA=OFF >/dev/null
cmake --build build-dnnl3 -j"$jobs" >/dev/null
(cd build-dnnl3 && ctest -j"$jobs" --output-on-failure)

echo "tests: sanitizer build in ./build-asan"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLTP_SANITIZE=ON -DLTP_WITH_CUDA=OFF >/dev/null
cmake --build build-asan -j"$jobs" >/dev/null
(cd build-asan && ctest -j"$jobs" --output-on-failure)

# OpenMP's runtime is not instrumented: one OpenMP thread per process keeps
# ThreadSanitizer on the threads the library's users start (thread_safety_test).
echo "tests: ThreadSanitizer build in ./build-tsan"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLTP_TSAN=ON -DLTP_WITH_CUDA=OFF >/dev/null
cmake --build build-tsan -j"$jobs" >/dev/null
(cd build-tsan && OMP_NUM_THREADS=1 ctest -j"$jobs" --output-on-failure -E "^install:")

echo "tests: libFuzzer harnesses, ${LTP_FUZZ_SECONDS:-20} s each"
bash tests/fuzz/run.sh "${LTP_FUZZ_SECONDS:-20}"
