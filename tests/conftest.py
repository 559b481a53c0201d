"""Suite-wide fixtures: the guard that keeps every test off network models."""

pytest_plugins = ["agents_conftest"]
