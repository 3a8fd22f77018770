"""The HTTP layer: validates requests, calls the engine runner, shapes responses."""
