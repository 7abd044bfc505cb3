# Terminal 1: the demo's server on port 8801, printing every TLS message it sends and receives.
tlshello server --trace --explain
