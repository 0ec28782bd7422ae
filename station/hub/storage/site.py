"""Site data in the store: manifests by change cursor, the roster and the risk rules.

A push is one transaction. It takes numbers from its site's change counter (the upsert
of ``site_changes`` also serialises pushes to one site, across hub processes), so the
cursor a station holds always means "everything up to here".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from station.hub.storage import ManifestPush, SiteDocument
from station.hub.storage.sqlbase import SqlBase


class SiteData(SqlBase):
    """The site-data half of the store."""

    def _take(self, conn: Any, site: str, count: int) -> int:
        """`count` new change numbers for `site`; the last one."""
        row = self.run(
            conn,
            "INSERT INTO site_changes (site, last_cursor) VALUES (?, ?) ON CONFLICT (site) "
            "DO UPDATE SET last_cursor = site_changes.last_cursor + excluded.last_cursor "
            "RETURNING last_cursor",
            (site, count),
        ).fetchone()
        return int(row[0])

    def push_manifests(self, site: str, items: Sequence[Any], now_us: int) -> ManifestPush:
        """Store `items` (`site_data.ManifestItem`, checked whole by the caller).

        A manifest is keyed by direction and shipment id, as on a station. The same
        content again is unchanged (no new cursor); other content replaces it with a new
        change number, and each station's import decides what it can take of the change,
        as it would for a file.
        """
        stored: list[Any] = []
        unchanged: list[str] = []
        with self.pool.connection() as conn, self.write(conn):
            for item in items:
                row = self.run(
                    conn,
                    "SELECT body FROM site_manifests WHERE site = ? AND direction = ? "
                    "AND shipment_id = ?",
                    (site, item.direction, item.shipment_id),
                ).fetchone()
                if row is not None and row[0] == item.body:
                    unchanged.append(f"{item.direction} {item.shipment_id}")
                else:
                    stored.append(item)
            if not stored:
                return ManifestPush((), tuple(unchanged), 0)
            last = self._take(conn, site, len(stored))
            for n, item in enumerate(stored, start=last - len(stored) + 1):
                self.run(
                    conn,
                    "INSERT INTO site_manifests (site, direction, shipment_id, "
                    "change_cursor, body, updated_us) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (site, direction, shipment_id) DO UPDATE SET "
                    "change_cursor = excluded.change_cursor, body = excluded.body, "
                    "updated_us = excluded.updated_us",
                    (site, item.direction, item.shipment_id, n, item.body, now_us),
                )
        names = tuple(f"{i.direction} {i.shipment_id}" for i in stored)
        return ManifestPush(names, tuple(unchanged), last)

    def manifests_after(
        self, site: str, after: int, limit: int
    ) -> tuple[list[tuple[int, str]], int]:
        """Up to `limit` manifests changed after `after`, oldest change first, and the
        site's latest manifest change number (0 when none)."""
        with self.pool.connection() as conn:
            rows = self.run(
                conn,
                "SELECT change_cursor, body FROM site_manifests WHERE site = ? "
                "AND change_cursor > ? ORDER BY change_cursor LIMIT ?",
                (site, after, limit),
            ).fetchall()
            (latest,) = self.run(
                conn,
                "SELECT COALESCE(MAX(change_cursor), 0) FROM site_manifests WHERE site = ?",
                (site,),
            ).fetchone()
        return [(int(c), str(b)) for c, b in rows], int(latest)

    def put_site_document(self, site: str, name: str, body: str, now_us: int) -> SiteDocument:
        """Store the roster or risk rules; the same content again keeps its change number."""
        with self.pool.connection() as conn, self.write(conn):
            row = self.run(
                conn,
                "SELECT change_cursor, body, updated_us FROM site_documents "
                "WHERE site = ? AND name = ?",
                (site, name),
            ).fetchone()
            if row is not None and row[1] == body:
                return SiteDocument(int(row[0]), str(row[1]), int(row[2]))
            cursor = self._take(conn, site, 1)
            self.run(
                conn,
                "INSERT INTO site_documents (site, name, change_cursor, body, updated_us) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (site, name) DO UPDATE SET "
                "change_cursor = excluded.change_cursor, body = excluded.body, "
                "updated_us = excluded.updated_us",
                (site, name, cursor, body, now_us),
            )
        return SiteDocument(cursor, body, now_us)

    def site_document(self, site: str, name: str) -> SiteDocument | None:
        """The roster or risk rules of `site`, or None before the first push."""
        with self.pool.connection() as conn:
            row = self.run(
                conn,
                "SELECT change_cursor, body, updated_us FROM site_documents "
                "WHERE site = ? AND name = ?",
                (site, name),
            ).fetchone()
        return SiteDocument(int(row[0]), str(row[1]), int(row[2])) if row else None
