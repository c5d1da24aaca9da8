"""Briefs people would rather look at: the HTML report (``page``) and the charts (``charts``).

The values shown come from ``negotiator.domain.brief``; this package only lays them out, with
Jinja2 and matplotlib, which nothing else imports.
"""
