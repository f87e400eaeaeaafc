"""Drawing: page templates, sections, diagrams, plan sheets and cards."""
