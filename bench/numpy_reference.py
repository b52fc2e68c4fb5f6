"""Native reference for the performance table of docs/performance.md: numpy/OpenBLAS on one thread.

Optional (numpy is not an npm dependency and nothing here runs in CI):
    OPENBLAS_NUM_THREADS=1 python3 bench/numpy_reference.py > bench/results/numpy.md
Same cases as `npm run bench`: gemm n = 512, SVD 1000×200 with vectors, eig 200×200 with
vectors; median of repeated calls after a warm-up.
"""
import os
import platform
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402


def median_ms(f, repeat):
    f()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return times[len(times) // 2]


rng = np.random.default_rng(1)
a512, b512 = rng.standard_normal((512, 512)), rng.standard_normal((512, 512))
a_svd = rng.standard_normal((1000, 200))
a_eig = rng.standard_normal((200, 200))

gemm = median_ms(lambda: a512 @ b512, 30)
svd = median_ms(lambda: np.linalg.svd(a_svd, full_matrices=False), 20)
eig = median_ms(lambda: np.linalg.eig(a_eig), 20)

print("## numpy reference (one thread)\n")
print(f"numpy {np.__version__}, Python {platform.python_version()}, {platform.machine()}, "
      f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}.\n")
print("| case | numpy |")
print("| :--- | ---: |")
print(f"| gemm n=512 | {2 * 512**3 / gemm / 1e6:.1f} GFLOP/s ({gemm:.2f} ms) |")
print(f"| svd 1000×200 (vectors) | {svd:.1f} ms |")
print(f"| eig 200×200 (vectors) | {eig:.1f} ms |")
