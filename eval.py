"""Score a checkpoint on the test and ood splits: ``python eval.py ckpt=PATH``."""

from tinythink.eval import main

if __name__ == "__main__":
    main()
