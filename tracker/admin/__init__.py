"""The office's administration: users, cities and departments, reminder policy, audit log."""
