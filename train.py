"""Train a tiny thinking model: ``python train.py model=tiny`` (see README.md)."""

from tinythink.cli import train_main

if __name__ == "__main__":
    train_main()
