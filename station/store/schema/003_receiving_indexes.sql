-- Indexes the per-scan queries need once a station has history.
CREATE INDEX shipments_receipt ON shipments(receipt_id);
CREATE INDEX units_progress ON units(shipment_id, expected, status);
