"""Text columns of the GLUE dev sets (data/glue), read with quoting off."""
from pathlib import Path

# task -> (has header, column(s) of the text)
TEXT_COLUMNS = {
    "SST-2": (True, (0,)),
    "CoLA": (False, (3,)),
    "MRPC": (True, (3, 4)),
    "RTE": (True, (1, 2)),
    "STS-B": (True, (7, 8)),
}


def read_dev_texts(glue_dir: Path, task: str):
    """Yields (text, pair or None) for every row of task/dev.tsv."""
    has_header, cols = TEXT_COLUMNS[task]
    lines = (glue_dir / task / "dev.tsv").read_text(encoding="utf-8-sig").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for line in lines[1 if has_header else 0:]:
        fields = line.split("\t")
        yield fields[cols[0]], (fields[cols[1]] if len(cols) == 2 else None)
