"""Running the hub: open the store, build the app, serve it with uvicorn until stopped."""

from __future__ import annotations

import uvicorn

from station.hub.app import create_app
from station.hub.config import HubConfig
from station.hub.storage import open_store


def serve(config: HubConfig) -> None:
    """Serve the hub on the configured address (blocks until SIGINT or SIGTERM)."""
    store = open_store(config.database, config.base_dir)
    app = create_app(config, store)
    uvicorn.run(
        app,
        host=config.host,
        port=config.port,
        log_level="info",
        proxy_headers=True,
        server_header=False,
    )
