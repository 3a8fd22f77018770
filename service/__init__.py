"""lingosum: multilingual news summarization into English and Chinese."""

__version__ = "0.1.0"
