"""Who is making a change: the reviewer's name, set once per user.

Every write to the registry records an actor. The name comes from, in order:

1. ``--by NAME`` (the ``actor`` argument of a library write);
2. the ``CLAIMS_USER`` environment variable;
3. the name saved by ``claims config user NAME`` in ``config.json`` in the user's config
   folder (``click.get_app_dir("claims")``, or ``CLAIMS_CONFIG_DIR`` when set, which tests use).

With none of them, the write is refused with one line saying how to set it. A ``--by``
that is given but blank is an error, not a fall-through.
"""

import json
import os
from pathlib import Path
from typing import Optional

from .registry import RegistryError

USER_ENV = "CLAIMS_USER"
DIR_ENV = "CLAIMS_CONFIG_DIR"
MAX_NAME = 200

NO_NAME = ("who is making this change? Pass --by NAME, set CLAIMS_USER, "
           "or save your name once with: claims config user NAME")


def config_dir() -> Path:
    explicit = os.environ.get(DIR_ENV, "").strip()
    if explicit:
        return Path(explicit)
    import click

    return Path(click.get_app_dir("claims"))


def config_path() -> Path:
    return config_dir() / "config.json"


def load() -> dict:
    """The saved settings (an empty dict when there are none)."""
    path = config_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise RegistryError(f"{path}: not a readable claims config file ({e}); fix or delete it")
    if not isinstance(data, dict):
        raise RegistryError(f"{path}: not a readable claims config file (not a JSON object); fix or delete it")
    return data


def check_name(name: str, what: str = "--by") -> str:
    """A reviewer's name, stripped, or one clear error when it is blank. (Names are
    recorded as given: a reviewer column may hold anything a spreadsheet can.)"""
    name = (name or "").strip()
    if not name:
        raise RegistryError(f"{what} is blank: give the reviewer's name")
    return name


def save_user(name: str) -> Path:
    """Save ``name`` as this user's reviewer name; the file is replaced whole."""
    name = check_name(name, "the name")
    if len(name) > MAX_NAME or any(ord(c) < 32 for c in name):
        raise RegistryError(f"the name must be on one line, at most {MAX_NAME} characters")
    data = load()
    data["user"] = name
    path = config_path()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise RegistryError(f"cannot write {path}: {e.strerror or e}") from e
    return path


def saved_user() -> Optional[str]:
    user = load().get("user")
    return user.strip() if isinstance(user, str) and user.strip() else None


def current_user() -> Optional[str]:
    """The name a write without ``--by`` is recorded under, or None."""
    env = os.environ.get(USER_ENV, "").strip()
    return env or saved_user()


def describe_user() -> Optional[tuple[str, str]]:
    """``(name, where it comes from)`` for the name a write without ``--by`` uses, or None."""
    env = os.environ.get(USER_ENV, "").strip()
    if env:
        return env, f"from {USER_ENV}; saved name: {saved_user() or 'none'}"
    saved = saved_user()
    return (saved, f"saved in {config_path()}") if saved else None


def resolve_actor(by: Optional[str]) -> str:
    """The actor of a write: ``by`` if given (a blank one is an error), else
    ``CLAIMS_USER``, else the saved name; else RegistryError saying how to set one."""
    if by is not None:
        return check_name(by)
    user = current_user()
    if user is None:
        raise RegistryError(NO_NAME)
    return check_name(user, USER_ENV if os.environ.get(USER_ENV, "").strip() else "the saved name")
