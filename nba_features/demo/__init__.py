"""Phase 3 / raw inputs of the Phase 4 tables, and the deterministic demo league that fills them."""
