"""tools/train/distill.py: the mixed loss against its formula, the teacher's
logits against a row-by-row forward, the cache, the refusals, and a smoke
run of train.py that distils a tiny MPNet into a tiny BERT."""
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
from transformers import AutoModelForSequenceClassification, AutoTokenizer  # noqa: E402

from tools.train import distill  # noqa: E402
from tools.train.glue import TASKS, read_split  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SST2 = TASKS["SST-2"]
STSB = TASKS["STS-B"]


@pytest.fixture
def teacher(tmp_path):
    """A random two-label MPNet classifier "fine-tuned on SST-2", with a cased tokenizer where the
    student (tiny-bert) has an uncased one: the teacher must read the rows with its own."""
    from transformers import MPNetConfig, MPNetForSequenceClassification
    torch.manual_seed(0)
    config = MPNetConfig(vocab_size=28996, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                         intermediate_size=64, num_labels=2)
    folder = tmp_path / "teacher"
    MPNetForSequenceClassification(config).save_pretrained(folder)
    shutil.copy(ROOT / "tests" / "data" / "tokenizers" / "bert-base-cased" / "vocab.txt", folder)
    (folder / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "BertTokenizer",
                                                              "do_lower_case": False}))
    saved = json.loads((folder / "config.json").read_text())
    saved["ltp_task"] = "SST-2"
    (folder / "config.json").write_text(json.dumps(saved))
    return folder


@pytest.fixture
def rows():
    return read_split(ROOT / "data" / "glue", SST2, "dev")[:40]


def test_weight_zero_is_the_task_loss_and_weight_one_follows_the_teacher_alone():
    student = torch.tensor([[0.3, -1.2], [2.0, 0.5], [-0.7, 0.1]])
    teacher = torch.tensor([[1.0, -1.0], [0.0, 0.4], [-2.0, 2.0]])
    labels = torch.tensor([0, 1, 1])
    ce = torch.nn.functional.cross_entropy(student, labels)
    assert torch.allclose(distill.distillation_loss(student, teacher, labels, SST2, 0.0, 2.0), ce)
    for t in (1.0, 2.0, 4.0):
        p_t = torch.softmax(teacher.double() / t, -1)
        log_p_s = torch.log_softmax(student.double() / t, -1)
        kl = (p_t * (torch.log(p_t) - log_p_s)).sum(-1).mean() * t * t  # KL(teacher ‖ student) per example
        mixed = distill.distillation_loss(student, teacher, labels, SST2, 0.25, t)
        assert math.isclose(float(mixed), 0.75 * float(ce) + 0.25 * float(kl), rel_tol=1e-5)
    assert float(distill.distillation_loss(teacher, teacher, labels, SST2, 1.0, 2.0)) == pytest.approx(0, abs=1e-6)


def test_regression_mixes_the_two_squared_errors():
    student, teacher = torch.tensor([[1.0], [3.0]]), torch.tensor([[2.0], [2.0]])
    labels = torch.tensor([1.0, 5.0])  # squared errors: to the labels (0 + 4) / 2 = 2, to the teacher (1 + 1) / 2 = 1
    loss = distill.distillation_loss(student, teacher, labels, STSB, 0.3, 2.0)  # the temperature plays no part
    assert float(loss) == pytest.approx(0.7 * 2 + 0.3 * 1)


def test_teacher_logits_equal_a_forward_of_each_row_alone_and_are_cached(teacher, rows, tmp_path):
    cache = tmp_path / "teacher-logits.pt"
    logits = distill.teacher_logits(teacher, rows, SST2, 128, cache, batch_size=16)
    model = AutoModelForSequenceClassification.from_pretrained(teacher).eval()
    tok = AutoTokenizer.from_pretrained(teacher)
    with torch.no_grad():
        for i in (0, 7, 39):
            enc = tok(rows[i][0], return_tensors="pt")
            alone = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).logits[0]
            # Padding (batched by length) changes float32 sums only in their last bits.
            assert torch.allclose(logits[i], alone, atol=1e-5), i
    assert cache.exists()
    (teacher / "vocab.txt").rename(teacher / "moved-aside.txt")  # a recomputation would fail without it
    assert torch.equal(distill.teacher_logits(teacher, rows, SST2, 128, cache), logits)
    (teacher / "moved-aside.txt").rename(teacher / "vocab.txt")
    fewer = distill.teacher_logits(teacher, rows[:10], SST2, 128, cache)  # other rows: recomputed
    assert torch.allclose(fewer, logits[:10], atol=1e-5)


def test_teachers_of_another_task_or_with_thresholds_are_refused(teacher, rows, tmp_path):
    with pytest.raises(SystemExit, match="trained on 'SST-2', not RTE"):
        distill.teacher_logits(teacher, rows, TASKS["RTE"], 128, tmp_path / "c.pt")
    config = json.loads((teacher / "config.json").read_text())
    config["ltp"] = {"thresholds": [0.01, 0.02]}
    (teacher / "config.json").write_text(json.dumps(config))
    with pytest.raises(SystemExit, match="model-dense"):
        distill.teacher_logits(teacher, rows, SST2, 128, tmp_path / "c.pt")


def test_smoke_run_distils_an_mpnet_teacher_into_a_bert_student(tiny_bert, teacher, tmp_path):
    glue = tmp_path / "glue" / "SST-2"
    glue.mkdir(parents=True)
    shutil.copy(ROOT / "data" / "glue" / "SST-2" / "dev.tsv", glue / "train.tsv")
    out = tmp_path / "run"
    subprocess.run([sys.executable, "-m", "tools.train.train", "--task", "SST-2", "--base", str(tiny_bert),
                    "--data", str(glue.parent), "--out", str(out), "--smoke", "--threads", "1",
                    "--teacher", str(teacher), "--distill-weight", "0.7"], cwd=ROOT, check=True, capture_output=True)
    state = json.loads((out / "state.json").read_text())
    for stage in ("dense", "soft", "hard"):
        assert state["stages"][stage]["teacher"] == {"folder": str(teacher), "weight": 0.7, "temperature": 2.0}
    card = (out / "model-ltp" / "MODEL_CARD.md").read_text()
    assert "in the dense, soft, hard stages: the teacher's share of the loss 0.7, temperature 2" in card
    assert torch.load(out / "teacher-logits.pt", weights_only=True)["logits"].shape == (256, 2)
