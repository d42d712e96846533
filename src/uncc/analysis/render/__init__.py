"""Reports of an analysis: plain text, Markdown and HTML, all from the JSON-ready dict."""
