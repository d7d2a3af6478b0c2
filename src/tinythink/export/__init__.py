"""Take a trained model out of the project: Hugging Face, GGUF (llama.cpp) and ONNX.

- :mod:`~tinythink.export.layout`: how this model's weights are named in each format;
- :mod:`~tinythink.export.hf`: the Hugging Face folder (safetensors, tokenizer, card),
  which is also the project's own portable model format (``ckpt=models/<name>``);
- :mod:`~tinythink.export.card`: the model card (README.md) of that folder;
- :mod:`~tinythink.export.gguf`: one ``.gguf`` file for llama.cpp and its bindings;
- :mod:`~tinythink.export.onnx`: a decoder step with past keys/values, and a small
  greedy loop that runs it in onnxruntime;
- :mod:`~tinythink.export.main`: ``python export.py``, which writes one and checks it
  in its real runtime before calling it done.

Everything but the folder reader needs the ``export`` extra
(``pip install -e ".[export]"``); those imports happen inside the functions.
"""

FORMATS = ("hf", "gguf", "onnx")
