"""The SQL both backends share: tokens, queries, station heads (capture is in `ingest`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from station.hub.chain import Head
from station.hub.events import (
    CLASS_ROLES_ANY,
    CLASS_ROLES_MATCH,
    EPC_ROLES_ANY,
    EPC_ROLES_MATCH,
    ERROR_DECLARATION,
)
from station.hub.storage import EventQuery, NamedEvent, StoredEvent, TokenRecord
from station.hub.storage.ingest import Ingest
from station.hub.storage.site import SiteData

_TOKEN_COLUMNS = ", ".join(
    (
        "token_id",
        "salt",
        "secret_hash",
        "kind",
        "site",
        "station_id",
        "label",
        "created_us",
        "revoked_us",
    )
)


class SqlStore(Ingest, SiteData):
    """The shared implementation; subclasses provide the connection and the dialect."""

    # --- tokens --------------------------------------------------------------------
    def add_token(self, record: TokenRecord) -> None:
        with self.pool.connection() as conn, self.write(conn):
            self.run(
                conn,
                f"INSERT INTO hub_tokens ({_TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.token_id,
                    record.salt,
                    record.secret_hash,
                    record.kind,
                    record.site,
                    record.station_id,
                    record.label,
                    record.created_us,
                    record.revoked_us,
                ),
            )

    def find_token(self, token_id: str) -> TokenRecord | None:
        with self.pool.connection() as conn:
            row = self.run(
                conn, f"SELECT {_TOKEN_COLUMNS} FROM hub_tokens WHERE token_id = ?", (token_id,)
            ).fetchone()
        return TokenRecord(*row) if row else None

    def list_tokens(self) -> list[TokenRecord]:
        with self.pool.connection() as conn:
            rows = self.run(
                conn, f"SELECT {_TOKEN_COLUMNS} FROM hub_tokens ORDER BY created_us, token_id"
            ).fetchall()
        return [TokenRecord(*row) for row in rows]

    def revoke_token(self, token_id: str, at_us: int) -> bool:
        with self.pool.connection() as conn, self.write(conn):
            cursor = self.run(
                conn,
                "UPDATE hub_tokens SET revoked_us = ? WHERE token_id = ? AND revoked_us IS NULL",
                (at_us, token_id),
            )
            return bool(cursor.rowcount)

    # --- queries -------------------------------------------------------------------
    def query_events(self, query: EventQuery) -> list[StoredEvent]:
        where: list[str] = []
        params: list[Any] = []

        def any_of(column: str, values: Sequence[Any]) -> None:
            if values:
                where.append(f"{column} IN ({', '.join('?' for _ in values)})")
                params.extend(values)

        if query.sites is not None:
            any_of("e.site", query.sites or ("",))
        any_of("e.event_type", query.event_types)
        any_of("e.biz_step", query.biz_steps)
        any_of("e.disposition", query.dispositions)
        any_of("e.read_point", query.read_points)
        any_of("e.biz_location", query.biz_locations)
        any_of("e.station_id", query.station_ids)
        any_of("e.event_id", query.event_ids)
        for values, roles in (
            (query.epcs, EPC_ROLES_MATCH),
            (query.any_epcs, EPC_ROLES_ANY),
            (query.epc_classes, CLASS_ROLES_MATCH),
            (query.any_epc_classes, CLASS_ROLES_ANY),
        ):
            if values:
                # Uncorrelated, so the planner starts from the EPC index and joins.
                sub = (
                    "SELECT x.record_time_us, x.event_row FROM event_epcs x "
                    f"WHERE x.epc IN ({', '.join('?' for _ in values)}) "
                    f"AND x.role IN ({', '.join('?' for _ in roles)})"
                )
                params.extend(values)
                params.extend(roles)
                if query.sites is not None:
                    sub += f" AND x.site IN ({', '.join('?' for _ in query.sites or ('',))})"
                    params.extend(query.sites or ("",))
                where.append(f"(e.record_time_us, e.id) IN ({sub})")
        for column, op, value in (
            ("e.event_time_us", ">=", query.ge_event_time),
            ("e.event_time_us", "<", query.lt_event_time),
            ("e.record_time_us", ">=", query.ge_record_time),
            ("e.record_time_us", "<", query.lt_record_time),
        ):
            if value is not None:
                where.append(f"{column} {op} ?")
                params.append(value)
        if query.after is not None:
            where.append("(e.record_time_us, e.id) > (?, ?)")
            params.extend(query.after)
        text = "SELECT e.id, e.record_time_us, e.body FROM events e"
        if where:
            text += " WHERE " + " AND ".join(where)
        text += " ORDER BY e.record_time_us, e.id LIMIT ?"
        params.append(query.limit)
        with self.pool.connection() as conn:
            rows = self.run(conn, text, params).fetchall()
        return [StoredEvent(int(i), int(rt), self.decode(body)) for i, rt, body in rows]

    def events_naming(
        self, sites: tuple[str, ...] | None, epcs: Sequence[str], limit: int
    ) -> list[NamedEvent]:
        """Up to `limit` stored events naming any of `epcs` (in any role), by event time."""
        if not epcs:
            return []
        params: list[Any] = list(epcs)
        text = (
            "SELECT x.epc, x.role, e.id, e.event_id, e.event_time_us, e.station_id, e.kind, "
            "e.body FROM event_epcs x JOIN events e ON e.record_time_us = x.record_time_us "
            f"AND e.id = x.event_row WHERE x.epc IN ({', '.join('?' for _ in epcs)})"
        )
        if sites is not None:
            text += f" AND x.site IN ({', '.join('?' for _ in sites or ('',))})"
            params.extend(sites or ("",))
        text += " ORDER BY e.event_time_us, e.id LIMIT ?"
        params.append(limit)
        with self.pool.connection() as conn:
            rows = self.run(conn, text, params).fetchall()
        return [
            NamedEvent(
                epc=str(epc),
                role=str(role),
                row=int(row),
                event_id=str(event_id),
                event_time_us=int(at),
                station_id=station,
                is_error_declaration=kind == ERROR_DECLARATION,
                body=self.decode(body),
            )
            for epc, role, row, event_id, at, station, kind, body in rows
        ]

    def station_head(self, site: str, station_id: str) -> Head | None:
        with self.pool.connection() as conn:
            row = self.run(
                conn,
                "SELECT head_seq, head_hash FROM station_heads WHERE site = ? AND station_id = ?",
                (site, station_id),
            ).fetchone()
        return Head(station_id, int(row[0]), str(row[1])) if row else None
