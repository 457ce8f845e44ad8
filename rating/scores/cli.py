"""`flask --app wsgi scores …` (filled in by the performance work)."""

from flask.cli import AppGroup

scores_cli = AppGroup("scores", help="Résumés des notes par entreprise (recalcul, contrôle).")
