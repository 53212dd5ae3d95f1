#!/usr/bin/env bash
# The whole test suite: builds (via tools/setup.sh) and runs ctest; the Python
# tools' tests; the Python package's tests (with a local Ray cluster and Spark); the suite again under AddressSanitizer + UndefinedBehaviorSanitizer,
# and under ThreadSanitizer built against oneDNN 3 (tools/onednn3.sh, from PyPI;
# the first build uses Debian's oneDNN 2.6, so both are tested); then each
# libFuzzer harness for LTP_FUZZ_SECONDS (20). The extra builds leave the CUDA
# backend out: the sanitizers cannot see device code, and they also prove the
# CPU-only configuration. Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

bash tools/setup.sh
(cd build && ctest -j"$jobs" --output-on-failure)

echo "tests: Python tools (packages pinned in tools/requirements.txt, in ./build-venv)"
[ -x build-venv/bin/python ] || python3 -m venv build-venv
build-venv/bin/pip install -q -r tools/requirements.txt
build-venv/bin/python -m pytest tests/python -q

echo "tests: the Python package, its Ray job and Spark example (python/tests, in ./.venv-py)"
bash python/tests/run.sh build

echo "tests: sanitizer build in ./build-asan"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLTP_SANITIZE=ON -DLTP_WITH_CUDA=OFF >/dev/null
cmake --build build-asan -j"$jobs" >/dev/null
(cd build-asan && ctest -j"$jobs" --output-on-failure)

# OpenMP's runtime is not instrumented: one OpenMP thread per process keeps
# ThreadSanitizer on the threads the library's users start (thread_safety_test).
# The install test is left out: its consumer would need ThreadSanitizer too.
echo "tests: ThreadSanitizer build against oneDNN 3 in ./build-tsan"
bash tools/onednn3.sh "$PWD/.deps/onednn3"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLTP_TSAN=ON -DLTP_WITH_CUDA=OFF \
  -DCMAKE_PREFIX_PATH="$PWD/.deps/onednn3" >/dev/null
cmake --build build-tsan -j"$jobs" >/dev/null
(cd build-tsan && OMP_NUM_THREADS=1 ctest -j"$jobs" --output-on-failure -E "^install:")

echo "tests: libFuzzer harnesses, ${LTP_FUZZ_SECONDS:-20} s each"
bash tests/fuzz/run.sh "${LTP_FUZZ_SECONDS:-20}"
