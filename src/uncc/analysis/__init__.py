"""Legal analysis: from the facts of an incident to offences, jurisdiction and powers.

Pure functions, no I/O. The entry point is :func:`uncc.analysis.engine.analyze`; the
facts format is :class:`uncc.analysis.facts.Incident` (``uncc: incident/1``).
"""
