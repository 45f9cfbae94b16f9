"""Staff pages of the evaluation (scores.py, values.py, tree.py)."""
