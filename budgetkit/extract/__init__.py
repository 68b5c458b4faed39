"""Extract stage: table blocks → exact amounts; prose → statements, facts, profile, targets,
glossary; cover and table headers → metadata."""
