"""What the CLI and the TUI both call: trace, provenance report, print queue, device set, probes."""
