"""The web component, the demo page and its sample article (package data)."""
