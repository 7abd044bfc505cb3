# Stop the capture (Ctrl-C in terminal 2), then read its TLS records without the secrets.
tshark -r /tmp/demo.pcapng -Y tls
