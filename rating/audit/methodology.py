"""Methodology versions as data: the parameters grading reads, never constants in code.

A version is stored once in the `methodologies` table (canonical JSON) and looked up by
its name; a grade names its version, so adding "v2" here never changes a v1 result.
"""

from rating.vocabulary import AUDIT_CHANNELS

CHANNELS = tuple(AUDIT_CHANNELS)

V1 = {
    "version": "v1",
    # Speed S: 1 at or under `full`, 0 at or over `zero`, linear between (unit per channel).
    "speed": {
        "phone": {"measure": "wait_seconds", "full": 60, "zero": 300},
        "chat": {"measure": "wait_seconds", "full": 60, "zero": 300},
        "email": {"measure": "response_hours", "full": 24, "zero": 72},
        "social": {"measure": "response_hours", "full": 1, "zero": 24},
    },
    # Test score = 100 × Σ weight × (criterion / its maximum), speed being already in 0..1.
    "test_weights": {
        "speed": "0.25",
        "courtesy": "0.25",
        "understanding": "0.20",
        "accuracy": "0.30",
    },
    "scales": {"courtesy": 4, "understanding": 4, "accuracy": 2},
    "channel_weights": {"phone": "0.40", "email": "0.30", "chat": "0.15", "social": "0.15"},
    "min_tests_per_channel": 5,
    "min_channels": 2,
    # Counted over the tests of the channels that count (those in the grade).
    "min_tests": 20,
    "grade_divisor": 5,
    "grade_decimals": 1,
    "letters": [["A", 16], ["B", 13], ["C", 10], ["D", 7]],
    "lowest_letter": "E",
    # The profession's own reference points, shown beside the KPIs.
    "references": {"accessibility_rate": 95, "median_phone_wait_seconds": 120, "complete_rate": 80},
}

VERSIONS = {"v1": {"title": "Méthodologie v1 (2026)", "parameters": V1}}


def known_versions() -> list[str]:
    """The versions this code can create in the database."""
    return sorted(VERSIONS)
