# Terminal 3: the same exchange in TLS 1.3, with a new capture running in terminal 2.
rm -f /tmp/keys.log
tlshello client 127.0.0.1 --cafile certs/diegoUcamCert.pem --tls-version tlsv1.3 \
  --trace --explain --keylog /tmp/keys.log
