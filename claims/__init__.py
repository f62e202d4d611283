"""claims: a local-first fact-check claim registry in one SQLite file."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("claims-registry")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
