"""Progress boards: per city, per department, per directive."""
