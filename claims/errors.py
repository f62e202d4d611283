"""The one exception type for errors a user can cause (llm's ``errors.py`` pattern)."""


class RegistryError(Exception):
    """An error the user caused: unknown id, bad status, bad URL... One line, no traceback."""
