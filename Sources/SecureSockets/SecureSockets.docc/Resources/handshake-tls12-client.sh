# Terminal 3: the demo's client, TLS 1.2 only, verifying the server against the demo's
# certificate, tracing and explaining each message, and writing the session secrets.
tlshello client 127.0.0.1 --cafile certs/diegoUcamCert.pem --tls-version tlsv1.2 \
  --trace --explain --keylog /tmp/keys.log
