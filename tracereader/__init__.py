"""tracereader: read, tag and learn from LLM application traces in the terminal."""

__version__ = "0.1.0"
