#!/usr/bin/env bash
# The whole test suite: builds (via tools/setup.sh), runs ctest, then builds
# again with AddressSanitizer + UndefinedBehaviorSanitizer and runs ctest there.
# The sanitizer build leaves the CUDA backend out: the sanitizers cannot see
# device code, and that build also proves the CPU-only configuration.
# Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh
(cd build && ctest --output-on-failure)

echo "tests: sanitizer build in ./build-asan"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLTP_SANITIZE=ON -DLTP_WITH_CUDA=OFF >/dev/null
cmake --build build-asan -j"$(nproc)" >/dev/null
(cd build-asan && ctest --output-on-failure)
