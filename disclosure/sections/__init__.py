"""The site's sections; each turns the model into its pages and data files.

The build calls them in this order; a new section is one module and one line here.
"""

from __future__ import annotations

from . import coverage, credit, directory, home, notices, opendata, prices, search

SECTIONS = (home, directory, credit, prices, notices, coverage, opendata, search)
