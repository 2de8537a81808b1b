"""The exception root of the ``fediverse`` core.

::

    FediverseError
    ├── NameTaken        a local person or group already has that name
    ├── NotFoundError    no such actor, object or account here
    └── InvalidInput     a request or command we refuse, with a reason to show
"""

from __future__ import annotations


class FediverseError(Exception):
    """Root of our core errors; ``str()`` is a sentence fit to show a user."""


class NameTaken(FediverseError):
    def __init__(self, name: str) -> None:
        super().__init__(f"the name {name!r} is already taken by a person or group here")
        self.name = name


class NotFoundError(FediverseError):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found")
        self.what = what


class InvalidInput(FediverseError):
    """Something a user sent that we refuse; ``str()`` says why."""
