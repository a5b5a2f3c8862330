"""What the API accepts, and what it answers when a request breaks a rule: the same words from
every framework and validation library.

The words are Pydantic's (`loc`, `msg`, `type`), which FastAPI sends as they are; code that
validates without Pydantic applies the same rules with plain_validation.py, and an error
Pydantic has no word for (control characters) is named here for every app.
"""

import re

# An item's name: trimmed of surrounding whitespace, then 1 to NAME_MAX_LENGTH characters.
NAME_MAX_LENGTH = 100
# C0 and C1 control characters (tab and newline included) and DEL: not in a name.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")
# The names accepted, as a regular expression for the API description (Python's and
# JavaScript's alike): whitespace around 1 to NAME_MAX_LENGTH characters that are no control
# characters, the first and last no whitespace.
_SPACE = r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_CONTROL = r"\x00-\x1f\x7f-\x9f"
_BETWEEN = "{0," + str(NAME_MAX_LENGTH - 2) + "}"  # the characters between the first and last
NAME_PATTERN = (
    f"^[{_SPACE}]*[^{_SPACE}{_CONTROL}]"
    f"(?:[^{_CONTROL}]{_BETWEEN}[^{_SPACE}{_CONTROL}])?[{_SPACE}]*$"
)
NAME_DESCRIPTION = (
    f"1 to {NAME_MAX_LENGTH} characters once the whitespace around them is trimmed; "
    "no control characters."
)

# An item's id: 1 to MAX_ID, the largest number the items table's id column holds (a 32-bit
# INTEGER, whose PostgreSQL driver refuses a number beyond it, as SQLite's does one beyond 64
# bits). A page starts after an id, or after 0 for the first page. The API describes these
# bounds and refuses a number outside them with a 422, whatever the database (none included):
# a client works against every starter alike, and no number a column cannot hold reaches SQL.
MAX_ID = 2**31 - 1

# The `detail` of a request refused before its fields are read.
NOT_JSON = "The request body must be JSON, sent with Content-Type: application/json."
MALFORMED_JSON = "The request body is not valid JSON."
INVALID_REQUEST = "The request is not valid."

# Each error `type` the API reports, with its message.
MESSAGES = {
    "missing": "Field required",
    "model_attributes_type": (
        "Input should be a valid dictionary or object to extract fields from"
    ),
    "string_type": "Input should be a valid string",
    "string_unicode": (
        "Input should be a valid string, unable to parse raw data as a unicode string"
    ),
    "string_too_short": "String should have at least 1 character",
    "string_too_long": f"String should have at most {NAME_MAX_LENGTH} characters",
    "control_characters": "String should have no control characters",
    "float_type": "Input should be a valid number",
    "finite_number": "Input should be a finite number",
    "greater_than": "Input should be greater than 0",
    "int_parsing": "Input should be a valid integer, unable to parse string as an integer",
    # A bound of a number in the URL (a page's `limit` or `after`, an item's id): Pydantic's
    # words, with the bound.
    "greater_than_equal": "Input should be greater than or equal to {ge}",
    "less_than_equal": "Input should be less than or equal to {le}",
}


def number_or_text(text: str) -> float | str:
    """A price typed in a page's form, as a number, which the item rules then check; text that
    is no number stays text, which they refuse."""
    try:
        return float(text)
    except ValueError:
        return text
