"""Adapters to MediaWiki's Action API, through pywikibot: the only package that imports it.

``session`` opens the sites, ``client`` sends requests and types errors, ``pages``/``users``/
``centralauth`` hold the reads and writes, ``gateway`` carries out one planned action.
"""
