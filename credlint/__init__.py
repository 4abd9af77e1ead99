"""credlint: find AWS credential, region and retry mistakes in Python code, and explain them."""

__version__ = "0.1.0"
