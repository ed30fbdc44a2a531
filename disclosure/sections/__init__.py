"""The site's sections; each turns the model into its pages and data files.

The build calls them in this order; a new section is one module and one line here.
"""

from __future__ import annotations

from types import ModuleType

from . import communities, companies, coverage, credit, home, notices, opendata, prices, search

SECTIONS = (home, companies, communities, credit, prices, notices, coverage, opendata, search)
# Sections whose work is mostly making files (the search index, workbooks), slowest first: on a
# large site worker processes take them in turn while the others run in the build's own, which
# takes any still waiting once its own are made. What a worker makes travels back pickled, so
# the sections shared are those whose results are small beside their work: open data's record
# files and downloads (160 MB at province scale) are made here instead.
MAKING_FILES = (search, coverage)
# On a large site the build's own process makes these before its other sections: their large
# workbooks are made while it holds least, and their garbage is given back before the rest.
FIRST_HERE = (opendata,)


def name_of(section: ModuleType) -> str:
    """A section's name in the build's record (reads.py): its module's, e.g. "credit"."""
    return section.__name__.rpartition(".")[2]
