"""tools/models/get_all_mpnet_base_v2.sh on a folder already assembled: it
writes OUT-ltp, the same files with the committed "ltp" section in config.json,
and leaves the base folder as it was."""
import json
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "models" / "get_all_mpnet_base_v2.sh"
SECTION = ROOT / "tools" / "models" / "all-mpnet-base-v2.ltp.json"
TINY_MPNET_EMBED = ROOT / "tests" / "data" / "models" / "tiny-mpnet-embed"


def test_pruned_folder_adds_the_section_and_keeps_the_base(tmp_path):
    base = tmp_path / "mpnet"
    shutil.copytree(TINY_MPNET_EMBED, base)
    def files(folder):
        return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    before = files(base)
    for _ in range(2):  # a second run rewrites the folder in place
        subprocess.run(["bash", str(SCRIPT), str(base)], check=True, capture_output=True)
    pruned = tmp_path / "mpnet-ltp"
    config = json.loads((pruned / "config.json").read_text())
    assert config.pop("ltp") == json.loads(SECTION.read_text())
    assert config == json.loads((base / "config.json").read_text())
    assert files(base) == before
    del before[Path("config.json")]
    assert {name: data for name, data in files(pruned).items() if name != Path("config.json")} == before
