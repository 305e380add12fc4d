"""Screening: rubrics, multi-reviewer assessments, MCDA ranking and due diligence."""
