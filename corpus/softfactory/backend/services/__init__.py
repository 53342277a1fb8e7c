"""Business logic behind the API blueprints, one module per product area."""
