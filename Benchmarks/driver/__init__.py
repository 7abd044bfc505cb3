"""Helpers of Benchmarks/run-bench.py (`make bench`): processes (procs), the servers compared
(servers), runs of the load generator (load), the machine and its crypto limits (machine), and the
document (report). Python standard library only."""
