"""What is wrong with a dataset: problems as values, and the one error that carries them all."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a dataset: where it is (object, record, field) and what it is."""

    object: str
    record: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        """Render as ``OBJECT RECORD: FIELD: message``, leaving out the parts that are unknown."""
        where = self.object if self.record is None else f"{self.object} {self.record}"
        if self.field is None:
            return f"{where}: {self.message}"
        return f"{where}: {self.field}: {self.message}"


class DatasetError(ValueError):
    """A dataset could not be loaded; ``problems`` lists everything that is wrong with it."""

    def __init__(
        self, problems: tuple[Problem, ...] | list[Problem], source: str | None = None
    ) -> None:
        self.problems = tuple(problems)
        self.source = source
        super().__init__(self.problems)

    def __reduce__(self) -> tuple[type[DatasetError], tuple[tuple[Problem, ...], str | None]]:
        """Pickle with the problems and the source (so the error crosses process boundaries)."""
        return (DatasetError, (self.problems, self.source))

    def __str__(self) -> str:
        """Render a count line, then each problem on a line of its own."""
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        where = f" in {self.source}" if self.source else ""
        lines = [f"{count} {noun}{where}:", *(f"  {problem}" for problem in self.problems)]
        return "\n".join(lines)


class Invalid(Exception):
    """A value that could not be converted, as (sub-path, message) pairs; the path may be ``""``."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.pairs: tuple[tuple[str, str], ...] = ((path, message),)

    @classmethod
    def many(cls, pairs: list[tuple[str, str]]) -> Invalid:
        """Return one signal carrying several (sub-path, message) pairs."""
        error = cls(pairs[0][1], pairs[0][0])
        error.pairs = tuple(pairs)
        return error

    def within(self, prefix: str) -> Invalid:
        """Return the same signal with ``prefix`` put before every path."""
        return Invalid.many([(prefix + path, message) for path, message in self.pairs])
