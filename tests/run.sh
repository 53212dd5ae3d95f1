#!/usr/bin/env bash
# The whole test suite: builds (via tools/setup.sh), runs ctest, then builds
# again with AddressSanitizer + UndefinedBehaviorSanitizer and runs ctest there.
# Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh
(cd build && ctest --output-on-failure)

echo "tests: sanitizer build in ./build-asan"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLTP_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$(nproc)" >/dev/null
(cd build-asan && ctest --output-on-failure)
