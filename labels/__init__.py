"""Label model, QR / GS1 Digital Link payloads and renderers."""
