#!/usr/bin/env bash
# Readies this checkout for a lent GPU machine's call, which carries the
# working tree (tracked and untracked-but-not-ignored files) and the carried
# paths, 64 MiB in all (tools/gpu/README.md):
#   1. the Debian packages into ./.gpu-deps (tools/gpu/bring_deps.sh), afresh,
#      so that they are this checkout's list;
#   2. models/default/model.safetensors (43 MiB of the tracked ~64) set aside
#      with a link in its place: this checkout still reads the weights through
#      it, the call carries only the link (tools/gpu/bench.py then gives the
#      real-text rows a random model of the default's shape);
#   3. the size that will travel, against the limit: exit status 1 when over.
# `--restore`, after the call, puts the weights back.
#
#   tools/gpu/prepare.sh [--restore]
set -euo pipefail
cd "$(dirname "$0")/../.."
weights=models/default/model.safetensors
stash=${TMPDIR:-/tmp}/ltp-gpu-stash/$(pwd | md5sum | cut -c1-8)/model.safetensors  # one per checkout
limit=$((64 * 1024 * 1024))

if [ "${1:-}" = "--restore" ]; then
  if [ -L "$weights" ]; then
    [ -f "$stash" ] || { echo "prepare: $stash is gone; git checkout -- $weights restores the weights" >&2; exit 1; }
    rm "$weights"
    mv "$stash" "$weights"
  fi
  echo "prepare: $weights is in place"
  exit 0
fi
[ $# -eq 0 ] || { echo "usage: tools/gpu/prepare.sh [--restore]" >&2; exit 1; }

bash tools/gpu/bring_deps.sh
if [ ! -L "$weights" ]; then
  # Only committed weights: --restore moves the file back, and git still has them.
  git diff --quiet -- "$weights" || { echo "prepare: $weights has uncommitted changes; not moving it" >&2; exit 1; }
  mkdir -p "$(dirname "$stash")"
  mv "$weights" "$stash"
  ln -s "$stash" "$weights"
fi

# Link sizes, not their targets': what the call copies.
sum_sizes() { xargs -0 -r stat -c %s 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }
tracked=$(git ls-files -z | sum_sizes)
untracked=$(git ls-files -z --others --exclude-standard | sum_sizes)
carried=$(du -sb .gpu-deps | cut -f1)
total=$((tracked + untracked + carried))
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
echo "prepare: the call carries $(mib "$total") of 64 (tracked $(mib "$tracked"), untracked $(mib "$untracked"), .gpu-deps $(mib "$carried"))"
echo "prepare: after the call, tools/gpu/prepare.sh --restore puts $weights back"
((total <= limit)) || { echo "prepare: over the limit" >&2; exit 1; }
