"""harvester: harvest a department's publication channels into SQLite and count them."""

from harvester._version import __version__

__all__ = ["__version__"]
