"""stackwise: answer a few questions, get a ready Flask or FastAPI project."""

__version__ = "0.1.0"
