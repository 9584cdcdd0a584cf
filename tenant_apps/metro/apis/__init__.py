"""The /metro endpoints: one thin view per operation."""
