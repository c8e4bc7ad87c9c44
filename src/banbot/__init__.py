"""banbot: read a foundation's global ban list, plan what enforcement still lacks, preview it, apply it.

The pure core (``banlist``, ``names``, ``dates``, ``plan``, ``state``) has no network code; everything
that talks to wikis lives in ``banbot.wiki``, the only package that imports pywikibot.
"""

from importlib.metadata import PackageNotFoundError, version


def _version() -> str:
    """The installed distribution's version (pyproject.toml's, through the package metadata): one source."""
    try:
        return version("banbot")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


__version__ = _version()
