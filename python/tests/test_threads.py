"""The thread-safety contract from Python: one Model shared by threads, each
encode call on its own buffers, the GIL released while the engine runs."""
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from conftest import pairs, sentences


def test_threads_share_one_model(default_model):
    chunks = [sentences(96)[i::4] + pairs(16)[i::4] for i in range(4)]
    alone = [default_model.encode(chunk, batch_size=8, trace=True) for chunk in chunks]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda chunk: default_model.encode(chunk, batch_size=8, trace=True), chunks * 3))
    for i, out in enumerate(together):
        assert np.array_equal(out.logits, alone[i % 4].logits)
        assert np.array_equal(out.tokens_kept, alone[i % 4].tokens_kept)
        assert out.labels == alone[i % 4].labels


def test_the_gil_is_released_while_encoding(default_model):
    texts = sentences(400)
    window = {}

    def encode():
        window["start"] = time.perf_counter()
        default_model.encode(texts)
        window["end"] = time.perf_counter()

    worker = threading.Thread(target=encode)
    ticks = []
    worker.start()
    while worker.is_alive():  # runs only while the worker does not hold the GIL
        ticks.append(time.perf_counter())
    worker.join()
    margin = 0.1 * (window["end"] - window["start"])
    inside = [t for t in ticks if window["start"] + margin < t < window["end"] - margin]
    assert len(inside) > 1000, "the main thread stood still while the engine ran"
