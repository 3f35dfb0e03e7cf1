"""Reports and analysis (报表分析): a reporting period evaluated from its activity file."""
