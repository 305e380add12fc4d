"""Errors the services raise that entry points turn into clear answers."""


class ConflictError(Exception):
    """Someone else changed the same thing first; nothing was written. HTTP 409."""


class GateRefused(Exception):
    """A stage move the gate does not allow; `missing` lists, in words, what is needed."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(" ".join(missing))
        self.missing = missing
