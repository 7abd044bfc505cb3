# Terminal 2 (as root): capture what crosses the loopback interface on port 8801.
tshark -i lo -f 'tcp port 8801' -w /tmp/demo.pcapng
