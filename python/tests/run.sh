#!/usr/bin/env bash
# The Python package's tests. Builds the extension module in an existing CMake
# build folder (BUILD, default ./build, made by tools/setup.sh: its libltp and
# ltp-run are reused, nothing is compiled twice) with -DLTP_PYTHON=ON against the
# Python of ./.venv-py, which is made and filled from python/requirements-test.txt
# when needed; then runs python/tests. BUILD keeps LTP_PYTHON=ON afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
build=$(realpath "${1:-build}")
venv=$root/.venv-py

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r python/requirements-test.txt
cmake -S . -B "$build" -DLTP_PYTHON=ON -DPython_EXECUTABLE="$venv/bin/python" >/dev/null
cmake --build "$build" --target _ltp_stub -j"${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}" >/dev/null

cd python/tests
LTP_RUN="$build/tools/ltp-run" PYTHONPATH="$build/python" "$venv/bin/python" -m pytest -q
