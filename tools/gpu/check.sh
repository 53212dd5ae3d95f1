#!/usr/bin/env bash
# The GPU check in one command, for a machine with an NVIDIA GPU, the CUDA
# toolkit and PyTorch with CUDA (tools/gpu/README.md: how to run it on a lent
# H200 within its 64 MiB and ~15 minutes). Steps, each under a time cap (s) and
# all within --budget (default 540 s; a lent machine's call runs at most 600):
#   configure  120  CMake with the CUDA backend in ./build-gpu (or --build DIR)
#   build      300  ltp-bench and the gpu tests, all cores
#   tests      120  the gpu tests: every CUDA op and whole models against the CPU path
#   memcheck   120  compute-sanitizer memcheck on the gpu tests but the BERT-base and two-thread ones
#   racecheck   60  compute-sanitizer racecheck on the one-query-group attention test
#   bench      300  tools/gpu/bench.py: ltp dense and pruned against PyTorch eager
# A failing or timed-out step does not stop the next ones, except that nothing
# runs after a failed configure or build (its log's end is printed). Results
# land in OUT as each step ends (seven files, within the eight a lent machine's
# call brings back):
#   status.txt (the GPU, the commit, one line per step), build.log, tests.log,
#   sanitizer.log, bench.log (bench.py and ltp-bench's own tables), bench.json, table.md
# Debian packages that tools/gpu/bring_deps.sh put in ./.gpu-deps are unpacked
# into a private prefix and used instead of installed ones.
# Exit status: 0 when every step passed, 77 when no CUDA device can be used, else 1 (a sanitizer
# that cannot reach a device the tests could use counts as not passed).
#
#   tools/gpu/check.sh OUT [--data GLUE_TASK_DIR] [--steps configure,build,...] [--budget SECONDS] [--build DIR]
set -uo pipefail
usage="usage: tools/gpu/check.sh OUT [--data GLUE_TASK_DIR] [--steps LIST] [--budget SECONDS] [--build DIR]"
all_steps=configure,build,tests,memcheck,racecheck,bench
out=${1:?$usage}
shift
data="" steps=$all_steps budget=540 build=build-gpu
while (($#)); do
  case $1 in
    --data) data=$(realpath -e "${2:?$usage}") || exit 1 ;;
    --steps) steps=${2:?$usage} ;;
    --budget) budget=${2:?$usage} ;;
    --build) build=${2:?$usage} ;;
    *) echo "$usage" >&2; exit 1 ;;
  esac
  shift 2
done
for s in ${steps//,/ }; do
  [[ ",$all_steps," == *",$s,"* ]] || { echo "check: unknown step '$s' (steps: $all_steps)" >&2; exit 1; }
done
mkdir -p "$out" && out=$(realpath "$out") || exit 1
cd "$(dirname "$0")/../.." || exit 1
rm -f "$out"/{status.txt,build.log,tests.log,sanitizer.log,bench.log,bench.json,table.md}
deadline=$((SECONDS + budget))
failed=0

# record STEP OUTCOME [SECONDS]: one line in status.txt and on stdout.
record() {
  printf '%-10s %-44s %s\n' "$1" "$2" "${3:+${3}s}" | tee -a "$out/status.txt"
}

asked() { [[ ",$steps," == *",$1,"* ]]; }

# tail_of LOG LINES: the end of OUT/LOG on stdout, which a lent machine's reply carries.
tail_of() { [ ! -f "$out/$1" ] || tail -n "$2" "$out/$1"; }

# step NAME CAP LOG COMMAND...: runs COMMAND for at most CAP seconds, never past
# the budget, its output appended to OUT/LOG. Returns COMMAND's status.
step() {
  local name=$1 cap=$2 log=$3
  shift 3
  local limit=$((deadline - SECONDS < cap ? deadline - SECONDS : cap))
  if ((limit < 10)); then
    record "$name" "skipped: the budget is spent"
    failed=1
    return 1
  fi
  echo "== $name: $* (at most ${limit}s)" >>"$out/$log"
  local start=$SECONDS rc=0
  # --kill-after: a step that ignores SIGTERM still ends 10 s later.
  timeout --kill-after=10 "$limit" "$@" >>"$out/$log" 2>&1 || rc=$?
  case $rc in
    0) record "$name" "ok" $((SECONDS - start)) ;;
    77) case $name in
          # The tests saw the device, or no sanitizer step would run.
          memcheck | racecheck)
            record "$name" "not run: compute-sanitizer could not reach the device (see $log)"
            failed=1 ;;
          *) record "$name" "skipped: no CUDA device can be used (see $log)" ;;
        esac ;;
    124 | 137) record "$name" "timed out after ${limit}s (see $log)" $((SECONDS - start)); failed=1 ;;
    *) record "$name" "failed, exit status $rc (see $log)" $((SECONDS - start)); failed=1 ;;
  esac
  return $rc
}

# finish [STATUS]: the summary (the end of a lent machine's reply) and the exit.
finish() {
  echo
  cat "$out/status.txt"
  [ -f "$out/table.md" ] && { echo; cat "$out/table.md"; }
  exit "${1:-$failed}"
}

if compgen -G ".gpu-deps/*.deb" >/dev/null; then
  prefix=${TMPDIR:-/tmp}/ltp-gpu-deps
  rm -rf "$prefix"
  for deb in .gpu-deps/*.deb; do dpkg-deb -x "$deb" "$prefix" || exit 1; done
  libdir="$prefix/usr/lib/x86_64-linux-gnu"
  export CMAKE_PREFIX_PATH="$prefix/usr${CMAKE_PREFIX_PATH:+:$CMAKE_PREFIX_PATH}"
  export PKG_CONFIG_PATH="$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$prefix"
  export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  command -v pkg-config >/dev/null || export PATH="$prefix/usr/bin:$PATH"
  echo "check: using the packages in .gpu-deps (unpacked in $prefix)"
fi
# nvcc and compute-sanitizer, where the toolkit is installed but not on the PATH.
export PATH="$PATH:/usr/local/cuda/bin"

gpu_name() {
  command -v nvidia-smi >/dev/null || { echo "none (no nvidia-smi)"; return; }
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -1
}
{
  echo "date:   $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit: $(git describe --always --dirty 2>/dev/null || echo "unknown (no .git here)")"
  echo "gpu:    $(gpu_name)"
  echo "budget: ${budget}s, steps: $steps"
} | tee "$out/status.txt"

# CMake's default generator needs make; the lent machine's image is described with ninja.
generator=()
command -v make >/dev/null || generator=(-G Ninja)
if asked configure && ! step configure 120 build.log cmake -S . -B "$build" ${generator[@]+"${generator[@]}"} -DCMAKE_BUILD_TYPE=Release \
  -DLTP_WITH_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES="${LTP_CUDA_ARCHITECTURES:-90}"; then
  tail_of build.log 30
  finish
fi
if asked build && ! step build 300 build.log cmake --build "$build" -j"$(nproc)" --target ltp-bench ltp_gpu_tests; then
  tail_of build.log 40
  finish
fi

tests="$build/tests/ltp_gpu_tests"
export LTP_TEST_DATA="$PWD/tests/data"
if asked tests; then
  step tests 120 tests.log "$tests" --duration=true
  rc=$?
  ((rc == 77)) && finish 77
  ((rc == 0)) || tail_of tests.log 30
fi
if asked memcheck || asked racecheck; then
  if ! command -v compute-sanitizer >/dev/null; then
    for s in memcheck racecheck; do asked $s && record $s "skipped: no compute-sanitizer here"; done
  else
    asked memcheck && step memcheck 120 sanitizer.log compute-sanitizer --tool memcheck --error-exitcode 1 \
      "$tests" --test-case-exclude="*BERT-base*,*two threads*"
    asked racecheck && step racecheck 60 sanitizer.log compute-sanitizer --tool racecheck --error-exitcode 1 \
      "$tests" --test-case="gpu: attention in one query group*"
  fi
fi
if asked bench; then
  step bench 300 bench.log env PYTHONUNBUFFERED=1 python3 tools/gpu/bench.py --ltp-bench "$build/tools/ltp-bench" \
    --out "$out" ${data:+--data "$data"} || tail_of bench.log 20
fi
finish
