"""/api/v1/centres-couts and /api/v1/depenses (the contract's French names; English below the serializers)."""
