"""Settings schema and loader; the default TOML ships beside this module."""

from config.settings import Settings, load_settings

__all__ = ["Settings", "load_settings"]
