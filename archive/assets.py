"""The files the app reads beside its code: page templates, static assets, the GraphQL contract.

They live at the project's top level (``templates/``, ``static/``, ``schema/``) and reach the
package through links (``archive/templates`` -> ``../templates``, …); a built wheel holds copies
of them at the same places. Either way they are found through ``importlib.resources``, so a
checkout, an editable install and an installed wheel serve the same files.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from archive.errors import ArchiveError

TEMPLATES = "templates"
STATIC = "static"
SCHEMA = "schema"


def folder(name: str) -> Path:
    """The folder of package files called ``name``, on the file system.

    Raises ArchiveError if the package is not installed as plain files (a zipped install),
    since the web server serves static files and templates from a folder.
    """
    found = resources.files("archive") / name
    if not isinstance(found, Path) or not found.is_dir():
        raise ArchiveError(
            f"the package's {name}/ folder is missing ({found}); "
            "reinstall the archive from a wheel or a checkout (pip install .)"
        )
    return found


def examples() -> list[Path]:
    """The example GraphQL operations, in name order (``schema/examples/NN_name.graphql``)."""
    return sorted((folder(SCHEMA) / "examples").glob("*.graphql"))
