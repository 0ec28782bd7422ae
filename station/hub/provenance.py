"""The auditor's provenance page of a hub trace: one self-contained HTML document.

In the style of the station's ``station report`` (inline CSS, tables): a summary (the
identifier, the stations whose events it rests on), the genealogy as links between
identifiers, and every event on the way in time order with its station, business
step, disposition, documents and identifiers. Every value is escaped, control
characters included, since all of it came from captured documents.
"""

from __future__ import annotations

import html
from typing import Any

from station.domain.printable import printable

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.4em; word-break: break-all; }
h2 { font-size: 1.1em; margin-top: 1.6em; border-bottom: 1px solid #999; }
table { border-collapse: collapse; margin: .5em 0; } td, th { border: 1px solid #bbb;
padding: .2em .5em; text-align: left; vertical-align: top; font-size: .9em; }
td { word-break: break-all; } .bad { color: #b00; } .note { color: #555; }
"""


def e(value: Any) -> str:
    """`value` as text safe inside HTML: printable, then escaped."""
    return html.escape(printable("" if value is None else str(value), limit=2000))


def _links(links: list[dict[str, Any]]) -> str:
    rows = "".join(
        f"<li><a href='{e(link['href'])}'>{e(link.get('title') or link['href'])}</a>"
        f" <span class='note'>({e(link['rel'])})</span></li>"
        for link in links
    )
    return f"<ul>{rows}</ul>" if rows else ""


def render_trace_html(trace: dict[str, Any], links: list[dict[str, Any]] | None = None) -> str:
    """The page for a ``GET /trace`` answer (`trace` is its JSON)."""
    direction = "where it came from" if trace["direction"] == "back" else "where it went"
    out = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>Provenance of {e(trace['epc'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>Provenance: {e(trace['epc'])}</h1>",
        f"<p>Traced {e(trace['direction'])} ({e(direction)}) across every station of the "
        "site, from the EPCIS events the hub stores.</p>",
        "<h2>Summary</h2><table>",
        f"<tr><th>Identifier</th><td>{e(trace['epc'])}</td></tr>",
        f"<tr><th>Stations</th><td>{e(', '.join(trace['stations']) or 'none')}</td></tr>",
        f"<tr><th>Identifiers reached</th><td>{len(trace['nodes'])}</td></tr>",
        f"<tr><th>Events</th><td>{len(trace['events'])}</td></tr></table>",
    ]
    if not trace["found"]:
        out.append("<p class='bad'>No event of this site names this identifier.</p>")
    if trace["truncated"]:
        out.append("<p class='bad'>The trace is cut short: too many identifiers.</p>")
    if links:
        out.append("<h2>Links</h2>" + _links(links))
    out.append(
        "<h2>Genealogy</h2><table><tr><th>From</th><th>Relation</th><th>To</th><th>Event</th></tr>"
    )
    for edge in trace["edges"]:
        out.append(
            f"<tr><td>{e(edge['from'])}</td><td>{e(edge['relation'])}</td>"
            f"<td>{e(edge['to'])}</td><td>{e(edge['eventID'])}</td></tr>"
        )
    out.append(
        "</table><h2>Events</h2><table><tr><th>When</th><th>Station</th><th>Event</th>"
        "<th>Business step</th><th>Disposition</th><th>Documents</th><th>Identifiers</th></tr>"
    )
    for event in trace["events"]:
        documents = ", ".join(
            f"{d.get('type') or 'document'}: {d.get('bizTransaction')}" for d in event["documents"]
        )
        kind = f"{event['type']} {event.get('action') or ''}".strip()
        if event["errorDeclaration"]:
            kind += " (error declaration: the event it names is void)"
        css = " class='bad'" if event["errorDeclaration"] else ""
        out.append(
            f"<tr{css}><td>{e(event['eventTime'])}</td><td>{e(event['stationId'] or '-')}</td>"
            f"<td>{e(kind)}<br><span class='note'>{e(event['eventID'])}</span></td>"
            f"<td>{e(event['bizStep'])}</td><td>{e(event['disposition'])}</td>"
            f"<td>{e(documents or '-')}</td><td>{e(', '.join(event['identifiers']))}</td></tr>"
        )
    out.append("</table></body></html>")
    return "\n".join(out)
