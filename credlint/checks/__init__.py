"""Rule modules, one per rule, and the shared analyses they are built on."""
