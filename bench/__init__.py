"""Benchmarks: a data generator (`officecloud bench seed`), load scripts over real HTTP and the
raw-asyncpg floor they are compared with. See bench/README.md."""
