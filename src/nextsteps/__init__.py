"""nextsteps: read what a recruiter or interviewer really meant, and what to do next."""

from importlib.metadata import PackageNotFoundError, version

from nextsteps.types import Category, DateMention, Example, KeyDate

try:
    __version__ = version("nextsteps")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"

__all__ = ["Category", "DateMention", "Example", "KeyDate", "__version__"]
