# Only the decrypted application data, as text: the demo's two messages.
tshark -r /tmp/demo.pcapng -o tls.keylog_file:/tmp/keys.log -o data.show_as_text:TRUE \
  -Y data -T fields -e frame.number -e data.text
