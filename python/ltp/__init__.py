"""ltp: BERT-family encoders with learned token pruning, run by the C++ engine.

    import ltp
    model = ltp.Model("models/default")
    print(model.encode(["a fine film", "a dull one"]).labels)
"""
from ._ltp import Encoding, Error, Model, Output, Tokenizer, __version__

__all__ = ["Encoding", "Error", "Model", "Output", "Tokenizer", "__version__"]
