"""The version of the terms of use (templates/legal/cgu.html); no imports, so that account
services can record it without loading the legal pages."""

from datetime import date

# Raise both with every change of templates/legal/cgu.html: each account records the version
# it accepted (users.cgu_version).
CGU_VERSION = "1.0"
CGU_DATE = date(2026, 12, 5)
