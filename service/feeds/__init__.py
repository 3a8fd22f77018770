"""Feed ingestion: RSS, Atom or JSON Feed (fetched safely or posted) in, clean article texts out."""

from .model import Feed, FeedItem
from .reader import read_feed

__all__ = ["Feed", "FeedItem", "read_feed"]
