"""Tests of the screen formats: interactive pages, response files, the fillable PDF."""
