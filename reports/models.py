"""Models arrive with this app's roadmap issue."""
