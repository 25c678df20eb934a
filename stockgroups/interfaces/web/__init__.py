"""The dashboard: server-rendered pages, SVG charts, templates and static files."""
