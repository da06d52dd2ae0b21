"""Compax API server: Sanic + Tortoise ORM. ``create_app`` lives in ``compax_server.app``."""

__version__ = "0.1.0"
