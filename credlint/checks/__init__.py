"""The rule families, one package each: rules, analysis, candidate pass and explanations (see ARCHITECTURE.md)."""
