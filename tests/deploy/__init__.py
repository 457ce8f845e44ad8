"""The deployment recipe (deploy/) started for real, and the stores shared by hosts."""
