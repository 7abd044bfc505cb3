# The key log: one line per secret, labelled, keyed by the ClientHello's random value.
cat /tmp/keys.log
