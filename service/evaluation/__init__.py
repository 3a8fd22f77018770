"""The evaluation harness behind `lingosum eval`: datasets, metrics, runners and the report."""
