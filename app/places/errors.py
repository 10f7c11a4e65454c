"""Errors of the places archive, all ``app.web.errors.DomainError``s with Chinese messages.

``status`` is what a view answers when the error reaches it: 403 for an action the user may not take,
409 for a workflow or data conflict, 422 for input to correct, 413 for a photo that is too big.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.web.errors import DomainError

if TYPE_CHECKING:
    from app.places.importing.report import ImportReport


class PlaceError(DomainError):
    """A domain error on an entry; ``field`` names the form field it belongs to, if any."""

    status = 409


class NotAllowed(PlaceError):
    """The user may not perform this action on this entry."""

    status = 403


class DuplicateCode(PlaceError):
    """Another entry already uses this code."""


class InvalidPlace(PlaceError):
    """The submitted values are incomplete or invalid."""


class PlaceStateError(PlaceError):
    """A workflow transition that is not allowed from the current state."""


class ImportFileError(DomainError):
    """The file as a whole cannot be read (not CSV/XLSX, undecodable, no header)."""


class ImportRejected(DomainError):
    """A real run refused because the file has errors; ``report`` lists them."""

    def __init__(self, report: ImportReport):
        super().__init__(f"{len(report.errors)} errors")
        self.report = report


class PhotoError(DomainError):
    """An upload that is not an acceptable photo; ``message`` is shown to the archivist."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message, status=status)
