"""``python -m verify``."""

from verify.cli.app import main

main()
