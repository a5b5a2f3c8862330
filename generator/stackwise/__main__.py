"""`python -m stackwise`: the same command as `stackwise`."""

from stackwise.cli import main

main()
