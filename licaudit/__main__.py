"""`python -m licaudit`: the same entry point as the `licaudit` command."""

from licaudit.cli import main

if __name__ == "__main__":
    main()
