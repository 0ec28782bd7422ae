"""Device drivers: scanners, cameras and printers, each behind a small protocol."""
