"""The hub: the central EPCIS 2.0 store every station pushes its events to.

A Starlette application (`app.create_app`) served by uvicorn (`server.serve`, the
``station hub`` command), storing in SQLite or PostgreSQL (`storage`). It never imports
the station's front ends, workflows or devices: it runs on a server without them.
"""
