#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang in ./build-fuzz and runs each for
# SECONDS (default 20) on its committed seeds plus what earlier runs found.
# A longer hunt: bash tests/fuzz/run.sh 3600. A crash leaves
# build-fuzz/tests/fuzz/crash-<harness>-*: fix it, then commit the file into
# tests/fuzz/corpus/<harness>/ as a regression input.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}

bash tools/install_packages.sh fuzz clang libclang-rt-14-dev

CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLTP_FUZZ=ON \
  -DLTP_BUILD_TESTS=OFF -DLTP_WITH_CUDA=OFF -DLTP_FUZZ_SECONDS="$seconds" >/dev/null
cmake --build build-fuzz -j"$(nproc)" >/dev/null
status=0
(cd build-fuzz && ctest -j"$(nproc)" -V >fuzz.log 2>&1) || status=$?
# Per harness: executions, coverage reached, verdict; the whole log is build-fuzz/fuzz.log.
grep -E "stat::number_of_executed_units|DONE +cov|Test +#|tests passed|tests failed|ERROR: |SUMMARY" build-fuzz/fuzz.log || true
exit "$status"
