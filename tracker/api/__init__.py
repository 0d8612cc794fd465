"""JSON API v1 for the systems around the tracker (a city's OA system, a provincial board)."""
