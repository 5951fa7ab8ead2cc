"""Figures: one function per figure, each taking a Dataset and returning a Figure.

Not yet implemented.
"""
