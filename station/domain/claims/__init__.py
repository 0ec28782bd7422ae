"""Chain-of-custody claims: categories of origin, the percentage and credit methods,
certificates, EUDR due-diligence data and the mass balance (pure rules, no I/O)."""
