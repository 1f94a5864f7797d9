"""A members-only meetings board for Wagtail sites."""

__version__ = "0.1.0"
