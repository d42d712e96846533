"""Data the analysis reads: the questions a prosecutor is asked for each missing fact."""
