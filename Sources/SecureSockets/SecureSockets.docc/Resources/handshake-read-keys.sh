# The same capture, decrypted with the key log the client wrote.
tshark -r /tmp/demo.pcapng -o tls.keylog_file:/tmp/keys.log -Y tls
