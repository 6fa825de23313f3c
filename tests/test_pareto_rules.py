"""Hand-worked cases that kill the mutants scripts/mutation.sh found alive in pareto (docs/mutation.md)."""
