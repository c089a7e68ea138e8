"""goodrel-site: a static site generator for stories of good relations work."""

__version__ = "0.1.0"  # the one place the version is written (pyproject reads it)
