"""Realistic, deterministic French demo data."""
