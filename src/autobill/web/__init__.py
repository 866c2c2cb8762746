"""The web app: the API under ``/api`` and the signed webhooks under ``/webhooks``."""

from autobill.web.app import create_app

__all__ = ["create_app"]
