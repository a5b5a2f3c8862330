"""What the API accepts, and what it answers when a request breaks a rule: the same words from
every framework and validation library.

The words are Pydantic's (`loc`, `msg`, `type`), which FastAPI sends as they are; code that
validates without Pydantic reports its errors with `field_error()`, and an error Pydantic has no
word for (control characters) is named here for every app.
"""

import re
from typing import Any

# An item's name: trimmed of surrounding whitespace, then 1 to NAME_MAX_LENGTH characters.
NAME_MAX_LENGTH = 100
# C0 and C1 control characters (tab and newline included) and DEL: not in a name.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")
# What trimming removes: Unicode's White_Space characters, as Pydantic's `strip_whitespace`
# (Python's str.strip() would also take U+001C to U+001F, which are control characters here).
WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
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
}


def field_error(loc: list[str | int], type_: str) -> dict[str, Any]:
    """One entry of a 422's `errors`: where, why, and the error's type; never the input."""
    return {"loc": loc, "msg": MESSAGES[type_], "type": type_}


def trimmed(name: str) -> str:
    return name.strip(WHITESPACE)


def name_error(name: str) -> str | None:
    """The type of the first rule a name (already trimmed) breaks, else None."""
    if not is_unicode(name):
        return "string_unicode"
    if len(name) < 1:
        return "string_too_short"
    if len(name) > NAME_MAX_LENGTH:
        return "string_too_long"
    if CONTROL_CHARACTERS.search(name):
        return "control_characters"
    return None


def price_error(price: Any) -> str | None:
    """The type of the first rule a price breaks, else None: a JSON number (an integer or not,
    never a string or a boolean), finite and above 0."""
    if isinstance(price, bool) or not isinstance(price, int | float):
        return "float_type"
    try:
        number = float(price)
    except OverflowError:  # an integer too large for a float: Pydantic says so too
        return "float_type"
    if number != number or number in (float("inf"), float("-inf")):
        return "finite_number"
    if number <= 0:
        return "greater_than"
    return None


def is_unicode(text: str) -> bool:
    """False for text with a lone surrogate (JSON's "\\ud800"): it could not be sent back."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True
