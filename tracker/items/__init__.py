"""Action items: seeing them, reporting on them, verifying and assigning them."""
