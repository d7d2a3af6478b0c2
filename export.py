"""Export a checkpoint for other runtimes: ``python export.py ckpt=PATH format=hf out=DIR``."""

from tinythink.cli import export_main

if __name__ == "__main__":
    export_main()
