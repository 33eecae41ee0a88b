"""A real JupyterHub, local accounts and students in Chromium, for tests/test_hub.py."""
