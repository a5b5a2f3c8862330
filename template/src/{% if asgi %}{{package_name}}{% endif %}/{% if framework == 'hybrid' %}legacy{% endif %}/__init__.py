"""The Flask app mounted under /legacy (`app.create_legacy_app`). It stands for an existing Flask
app whose routes move to the FastAPI app one at a time: see the README."""

from typing import cast

from flask import current_app

from ..settings import Settings


def current_settings() -> Settings:
    """The settings the FastAPI app was made with: one object for both apps."""
    return cast(Settings, current_app.extensions["settings"])
