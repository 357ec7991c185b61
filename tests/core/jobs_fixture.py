"""A job for the worker test: writes its argument to a file, so the test sees it ran."""

from pathlib import Path


def write_marker(path: str, text: str) -> str:
    Path(path).write_text(text)
    return text
