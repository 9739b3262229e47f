"""nextsteps: read what a recruiter or interviewer really meant, and what to do next.

>>> import datetime as dt
>>> from nextsteps import interpret
>>> interpret("We went with another candidate.", dt.datetime(2025, 3, 3, 9, 0)).label
<Category.REJECTION: 'rejection'>
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("nextsteps")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"

from nextsteps.dates import find_dates, key_date
from nextsteps.interpret import Interpretation, interpret, interpret_many
from nextsteps.types import Category, DateMention, Example, KeyDate

__all__ = [
    "Category",
    "DateMention",
    "Example",
    "Interpretation",
    "KeyDate",
    "__version__",
    "find_dates",
    "interpret",
    "interpret_many",
    "key_date",
]
