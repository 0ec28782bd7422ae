"""Pure domain values and rules: identifiers, scans, findings, manifests, checks. No I/O."""
