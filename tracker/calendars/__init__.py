"""Personal calendar feeds (ICS) of my deadlines and milestones, at a secret, revocable URL."""
