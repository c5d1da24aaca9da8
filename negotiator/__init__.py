"""negotiator: plan, check, sequence and track multi-party negotiation packages.

The package is layered so that data flows one way: file or database -> domain values ->
evaluation -> rows -> renderer.  ``negotiator.domain`` is pure (no database, no command line,
no YAML); ``negotiator.db`` is the one seam between rows and domain values; ``negotiator.cli``
parses options, calls the other layers and renders what they return.
"""

__version__ = "0.1.0"
