"""Refuse XML that declares entities (billion laughs, external entities) before any parser runs.

Entities can only be declared in the DTD, before the root element, so defusedxml's expat reader
reads the prolog alone and stops at the root: quick and bounded whatever the document's size.
"""

from __future__ import annotations

from xml.sax import SAXException
from xml.sax.handler import ContentHandler, feature_external_ges, feature_external_pes

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

from ..errors import LingosumError

_CHUNK = 16_384
_ENTITY_MARKS = tuple("<!ENTITY".encode(codec) for codec in ("ascii", "utf-16-le", "utf-16-be"))


class _PrologRead(Exception):
    pass


class _StopAtRoot(ContentHandler):
    def startElement(self, name: str, attrs: object) -> None:
        raise _PrologRead

    def startElementNS(self, name: object, qname: object, attrs: object) -> None:
        raise _PrologRead


def refuse_entity_declarations(document: bytes) -> None:
    """Raise `feed_unreadable` if the document's DTD declares entities or references outside."""
    # An external DTD (RSS 0.91's DOCTYPE has one) is allowed but never loaded; an external
    # entity needs a declaration, which is refused.
    parser = DefusedExpatParser(forbid_dtd=False, forbid_entities=True, forbid_external=False)
    parser.setFeature(feature_external_ges, False)
    parser.setFeature(feature_external_pes, False)
    parser.setContentHandler(_StopAtRoot())
    try:
        for start in range(0, len(document), _CHUNK):
            parser.feed(document[start : start + _CHUNK])
    except _PrologRead:
        return
    except DefusedXmlException as error:
        raise _refused() from error
    except (SAXException, ValueError):
        # expat could not read the prolog (a multi-byte encoding such as GB2312, or broken
        # markup); feedparser reads such documents another way, so look for the mark itself.
        if any(mark in document for mark in _ENTITY_MARKS):
            raise _refused() from None


def _refused() -> LingosumError:
    return LingosumError(
        "feed_unreadable",
        "The feed declares XML entities, which are refused (entity expansion attacks).",
        status=422,
    )
