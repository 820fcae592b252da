"""Results pages: a count's outcome, rounds, charts (SVG) and sentences as HTML.

``page(result)`` is one self-contained page (``shortlist tabulate --format html``);
``fragments(result, names)`` gives its parts for the web app's pages; ``outcome(...)`` the
outcome alone (a round published without counts). No web framework, no database.
"""

from shortlist.formats.report.render import Fragments, fragments, outcome, page, stylesheet

__all__ = ["Fragments", "fragments", "outcome", "page", "stylesheet"]
