"""xlwings Server's custom scripts: xlsales has none (its functions are formulas)."""
