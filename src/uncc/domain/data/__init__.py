"""Data the domain reads: the network's request kinds, service levels and refusal grounds."""
