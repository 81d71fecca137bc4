"""``python -m autograd``: the ``backprop-lab`` command line (see ``autograd.cli``)."""

import sys

from .cli import main

sys.exit(main())
