"""Ask a checkpoint word problems: ``python generate.py --ckpt PATH "question"``.

No question: one per line from standard input, or a chat at a terminal.
``python generate.py --help`` lists the options.
"""

from tinythink.generate import main

if __name__ == "__main__":
    main()
