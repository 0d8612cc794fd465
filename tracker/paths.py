"""Where the project's top-level folders are, wherever the command is run from."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT_ROOT / "templates"
MIGRATIONS = PROJECT_ROOT / "migrations"
SEEDS = PROJECT_ROOT / "seeds"
