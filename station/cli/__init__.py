"""The `station` command: the entry point (`main`), shared options, one module per command group."""
