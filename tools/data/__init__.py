"""Data files shipped with the planning core (the BDEW H0 table: see tools/baseload.py)."""
