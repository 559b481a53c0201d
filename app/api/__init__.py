"""The HTTP API (FastAPI) with token auth: :mod:`app.api.server`, :mod:`app.api.tokens`."""
