"""Score a checkpoint on the test and ood splits: ``python eval.py ckpt=PATH``."""

from tinythink.cli import eval_main

if __name__ == "__main__":
    eval_main()
