"""A file that does not parse (CL000): credlint reports it and checks every other file."""

DEFAULT_KEY = "AKIA{{ key_suffix }}"
def handler(event, context:
    return DEFAULT_KEY
