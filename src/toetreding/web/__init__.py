"""The web app steering groups, audit committees and schools use (FastAPI + Jinja2)."""

from toetreding.web.app import create_app

__all__ = ["create_app"]
