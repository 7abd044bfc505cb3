"""What the tlslite-ng peers share: the version table as tlslite-ng spells it, and its settings.

tlslite-ng (pure-Python TLS, PyPI `tlslite-ng`, 0.8.2) names versions by their record-layer
numbers: TLS 1.0 is (3, 1) ... TLS 1.3 is (3, 4). A pin sets minVersion = maxVersion.
"""
from tlslite.api import HandshakeSettings
from tlslite.handshakesettings import TLS13_PERMITTED_GROUPS

VERSIONS = {
    "tlsv1.0": (3, 1),
    "tlsv1.1": (3, 2),
    "tlsv1.2": (3, 3),
    "tlsv1.3": (3, 4),
}
NAMES = {value: key for key, value in VERSIONS.items()}


def settings(version):
    """HandshakeSettings pinned to one version (None: tlslite-ng's default range, TLS 1.0-1.3)."""
    s = HandshakeSettings()
    if version:
        s.minVersion = s.maxVersion = VERSIONS[version]
        if version == "tlsv1.3":
            # A TLS 1.3-only configuration must not enable groups that TLS 1.3 forbids (the
            # brainpool curves of TLS 1.2 are on by default): tlslite-ng 0.8.2 raises ValueError.
            s.eccCurves = [c for c in s.eccCurves if c in TLS13_PERMITTED_GROUPS]
    return s


def describe(connection):
    """'tlsv1.2 ECDHE-RSA aes256gcm' style summary of a finished handshake."""
    return "%s %s" % (NAMES.get(tuple(connection.version), str(connection.version)),
                      connection.getCipherName())
