#!/usr/bin/env bash
# Readies this checkout for a lent GPU machine's call, which carries the
# working tree (tracked and untracked-but-not-ignored files) and the carried
# paths, 64 MiB in all (tools/gpu/README.md):
#   1. the Debian packages into ./.gpu-deps (tools/gpu/bring_deps.sh), afresh,
#      so that they are this checkout's list;
#   2. the test data that only ltp_tests reads (the tokenizer cases' files and
#      the tiny models no gpu test loads: 13.6 MiB of the tracked ~67; the GPU
#      check neither builds nor runs ltp_tests) set aside, each file with a link
#      in its place: this checkout still reads them through the links, the call
#      carries only the links, and the default model's weights travel, so
#      bench.py measures the trained LTP model;
#   3. the size that will travel, against the limit: exit status 1 when over.
# `--restore`, after the call, puts the files back.
#
#   tools/gpu/prepare.sh [--restore]
set -euo pipefail
cd "$(dirname "$0")/../.."
set_aside=(tests/data/tokenizer tests/data/tokenizers tests/data/models/tiny-bert-regression
  tests/data/models/tiny-ltp-converted tests/data/models/tiny-mpnet-embed tests/data/models/tiny-roberta-bf16
  tests/data/models/tiny-roberta-f16 tests/data/models/tiny-roberta-from-bin)
stash=${TMPDIR:-/tmp}/ltp-gpu-stash/$(pwd | md5sum | cut -c1-8)  # one per checkout
limit=$((64 * 1024 * 1024))

if [ "${1:-}" = "--restore" ]; then
  git ls-files -z "${set_aside[@]}" | while IFS= read -r -d '' file; do
    [ -L "$file" ] || continue
    [ -f "$stash/$file" ] || { echo "prepare: $stash/$file is gone; git checkout -- $file restores it" >&2; exit 1; }
    rm "$file"
    mv "$stash/$file" "$file"
  done
  echo "prepare: ${set_aside[*]} are in place"
  exit 0
fi
[ $# -eq 0 ] || { echo "usage: tools/gpu/prepare.sh [--restore]" >&2; exit 1; }

bash tools/gpu/bring_deps.sh
git ls-files -z "${set_aside[@]}" | while IFS= read -r -d '' file; do
  [ -L "$file" ] && continue  # set aside by an earlier run
  # Only committed files: --restore moves them back, and git still has them.
  git diff --quiet -- "$file" || { echo "prepare: $file has uncommitted changes; not moving it" >&2; exit 1; }
  mkdir -p "$(dirname "$stash/$file")"
  mv "$file" "$stash/$file"
  ln -s "$stash/$file" "$file"
done

# Link sizes, not their targets': what the call copies.
sum_sizes() { xargs -0 -r stat -c %s 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }
tracked=$(git ls-files -z | sum_sizes)
untracked=$(git ls-files -z --others --exclude-standard | sum_sizes)
carried=$(du -sb .gpu-deps | cut -f1)
total=$((tracked + untracked + carried))
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
echo "prepare: the call carries $(mib "$total") of 64 (tracked $(mib "$tracked"), untracked $(mib "$untracked"), .gpu-deps $(mib "$carried"))"
echo "prepare: after the call, tools/gpu/prepare.sh --restore puts ${set_aside[*]} back"
((total <= limit)) || { echo "prepare: over the limit" >&2; exit 1; }
