"""Renderings of the admissibility report (Art. 49): Markdown and a printable HTML page.

Both take the report as data (``uncc.services.admissibility``), so the CLI, the API and
the web show the same thing.
"""

from uncc.services.reports.html import admissibility_html
from uncc.services.reports.markdown import admissibility_markdown

__all__ = ["admissibility_html", "admissibility_markdown"]
