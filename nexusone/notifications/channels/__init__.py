"""The ways an event reaches people: in-app (written by `emit`), email, SMS and outgoing webhooks."""
