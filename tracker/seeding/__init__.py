"""The demo data: the two seed speeches, their plan of action items, cities, people."""
