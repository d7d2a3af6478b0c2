"""Train a tiny thinking model: ``python train.py model=tiny`` (see README.md)."""

from tinythink.train import main

if __name__ == "__main__":
    main()
