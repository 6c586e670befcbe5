"""`python -m groepsaanbod.cli`, as `groepsaanbod`."""

from groepsaanbod.cli import main

main()
