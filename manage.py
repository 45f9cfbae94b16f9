#!/usr/bin/env python
"""Django's command-line utility; `yingshang` (the console command) wraps the same entry point."""

import sys

from yingshang.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv))
