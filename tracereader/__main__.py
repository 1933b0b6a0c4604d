"""Allow `python -m tracereader`."""

from tracereader.cli import main

if __name__ == "__main__":
    main()
