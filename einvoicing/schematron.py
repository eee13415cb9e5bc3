"""A small ISO Schematron (XSLT 2 binding) runner, for the PPF's flux 10 schematron which is published as
source, not compiled. It covers what that file uses: patterns of one rule each, `let`, `assert` with a flag,
and `name` / `value-of` in messages; anything else is refused at compile time rather than ignored.

The schematron becomes an XSLT 2 stylesheet (each rule a for-each over its context, each assert an `xsl:if`
on its negation writing one <failed> element), compiled once per process and run by saxonche.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from lxml import etree

SCH = "http://purl.oclc.org/dsdl/schematron"
SUPPORTED = {"schema", "title", "pattern", "rule", "let", "assert", "name", "value-of"}


@dataclass(frozen=True)
class Failure:
    pattern: str
    message: str
    fatal: bool


def _message(node: etree._Element) -> str:
    parts = [_escape(node.text or "")]
    for child in node:
        local = etree.QName(child).localname
        if local == "name":
            parts.append('<xsl:value-of select="name()"/>')
        elif local == "value-of":
            parts.append(f"<xsl:value-of select={quoteattr(child.get('select'))}/>")
        else:
            raise ValueError(f"élément de message non pris en charge : {local}")
        parts.append(_escape(child.tail or ""))
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def compile_schematron(path: Path) -> str:
    """The XSLT 2 text of an ISO Schematron file; raises ValueError on a construct it does not handle."""
    tree = etree.parse(str(path))
    for element in tree.iter():
        if isinstance(element.tag, str):
            if etree.QName(element).namespace != SCH or etree.QName(element).localname not in SUPPORTED:
                raise ValueError(f"construction Schematron non prise en charge : {element.tag}")
    out = [
        '<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">',
        '<xsl:template match="/"><failures>',
    ]
    for pattern in tree.getroot().iterfind(f"{{{SCH}}}pattern"):
        rules = pattern.findall(f"{{{SCH}}}rule")
        if len(rules) != 1:
            raise ValueError(f"motif {pattern.get('id')} : une seule règle par motif est prise en charge")
        rule = rules[0]
        out.append(f"<xsl:for-each select={quoteattr(rule.get('context'))}>")
        for child in rule:
            if not isinstance(child.tag, str):
                continue
            local = etree.QName(child).localname
            if local == "let":
                out.append(
                    f"<xsl:variable name={quoteattr(child.get('name'))} select={quoteattr(child.get('value'))}/>"
                )
            elif local == "assert":
                flag = child.get("flag", "fatal")
                out.append(
                    f"<xsl:if test={quoteattr('not(' + child.get('test') + ')')}>"
                    f"<failed pattern={quoteattr(pattern.get('id', ''))} flag={quoteattr(flag)}>"
                    f"{_message(child)}</failed></xsl:if>"
                )
        out.append("</xsl:for-each>")
    out.append("</failures></xsl:template></xsl:stylesheet>")
    return "\n".join(out)


_local = threading.local()


@functools.cache
def _compiled_text(path: str) -> str:
    return compile_schematron(Path(path))


def _executable(path: Path):
    cache = getattr(_local, "executables", None)
    if cache is None:
        from saxonche import PySaxonProcessor

        _local.processor = PySaxonProcessor(license=False)
        cache = _local.executables = {}
    key = str(path)
    if key not in cache:
        compiler = _local.processor.new_xslt30_processor()
        cache[key] = compiler.compile_stylesheet(stylesheet_text=_compiled_text(key))
    return cache[key]


def validate(xml: bytes, schematron: Path) -> list[Failure]:
    executable = _executable(schematron)
    node = _local.processor.parse_xml(xml_text=xml.decode("utf-8"))
    result = etree.fromstring(executable.transform_to_string(xdm_node=node).encode("utf-8"))
    return [
        Failure(
            pattern=f.get("pattern", ""),
            message=" ".join("".join(f.itertext()).split()),
            fatal=f.get("flag") != "warning",
        )
        for f in result.iter("failed")
    ]
