"""Predictive scores: training, scoring, evaluation, monitoring and their views."""
