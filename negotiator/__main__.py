"""``python -m negotiator`` runs the command line."""

from negotiator.cli import main

if __name__ == "__main__":
    main()
