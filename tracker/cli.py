"""The `tracker` console script: Flask's commands (`run`, `db ...`) plus the tracker's own."""

from flask.cli import FlaskGroup

from . import create_app


def main() -> None:
    FlaskGroup(name="tracker", create_app=create_app, help=__doc__)()
