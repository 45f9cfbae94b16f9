import sys

from yingshang.cli import main

sys.exit(main(sys.argv))
