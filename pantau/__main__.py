"""`python -m pantau` runs the CLI, like the `pantau` script."""

from pantau.cli import main

main()
