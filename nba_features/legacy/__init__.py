"""Running beside the legacy warehouse: the parity comparison of the Phase 4 tables (docs/LEGACY.md)."""
