"""shortlist: awards voting and exact ranked-ballot counting."""

__version__ = "0.1.0.dev0"
