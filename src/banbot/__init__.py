"""banbot: read a foundation's global ban list, plan what enforcement still lacks, preview it, apply it.

The pure core (``banlist``, ``names``, ``dates``, ``plan``, ``state``) has no network code; everything
that talks to wikis lives in ``banbot.wiki``, the only package that imports pywikibot.
"""

__version__ = "0.1.0"
