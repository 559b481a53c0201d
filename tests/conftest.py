"""Suite-wide fixtures: the guards that keep every test off network models and providers."""

pytest_plugins = ["agents_conftest", "providers_conftest"]
