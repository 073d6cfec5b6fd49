import os

# Language detection (py3langid) does one small matrix product per article; OpenBLAS's thread
# pool makes that 3x slower on a busy 2-core machine (10 ms vs 33 ms a document, measured).
# Must be set before numpy is first imported, hence here, in the package imported first.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
