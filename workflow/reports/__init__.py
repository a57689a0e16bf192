"""Reports: exports to .xlsx, award history, the dashboard, eligibility lookup, the deadline calendar."""
