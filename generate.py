"""Ask a checkpoint a question: ``python generate.py ckpt=PATH prompt="..."``."""

from tinythink.generate import main

if __name__ == "__main__":
    main()
