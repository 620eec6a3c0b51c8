"""Writes of the field work app, one module per subdomain: training (R30), village income (R27)."""
