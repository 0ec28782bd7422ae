"""GS1 rules: element strings, bracketed syntax, Digital Link, check digits, dates, associations."""
