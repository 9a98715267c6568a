"""Execute the chapters once, two at a time, into the book's jupyter-cache.

    python tools/execute_chapters.py --cache _build/.jupyter_cache chapters/*.ipynb

`make test` runs this on an empty cache before anything reads a chapter's
outputs, so each chapter is executed exactly once per run:

- the strict build (`execute_notebooks: cache`) finds every chapter in the
  cache and renders the site from these executions ("Using cached notebook");
  so does the single-page build that `make pdf` prints;
- tests/nbval_cache.py compares the committed outputs with these executions,
  with nbval's comparison.

Each notebook runs as myst-nb runs it in the build: jupyter-cache's
`single_nb_execution` (nbclient, a clean kernel, the notebook's folder as the
working directory, the timeout of _config.yml, no error allowed unless the cell
is tagged `raises-exception`), and is stored as myst-nb stores it. Only the
scheduling differs: `--jobs` notebooks at once (default 2, the cores of the
machines this course is tested on), so that both cores work, the longest
first (by the cell timings that nbclient stored in the committed notebook when
it was last executed), so that no long chapter starts last. With more than one
job, each kernel's BLAS gets one thread (OPENBLAS_NUM_THREADS=1 and its kin):
two kernels that each spin up a thread per core oversubscribe the machine, and
OpenBLAS's spinning threads then cost far more CPU than they save (one Chapter 4
cell took 11 s of CPU with default threads and 1.4 s with one, on a loaded
machine). A chapter that
fails prints its traceback and is not stored; the script then exits 1.
"""

import argparse
import concurrent.futures
import multiprocessing
import os
import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def recorded_seconds(path):
    """The run time of the notebook's last execution, from its cells' timings
    (metadata `execution`, which nbclient writes); 0 where there are none."""
    total = 0.0
    for cell in nbformat.read(path, as_version=4).cells:
        times = cell.get("metadata", {}).get("execution", {})
        try:
            start = datetime.fromisoformat(times["iopub.execute_input"])
            end = datetime.fromisoformat(times["shell.execute_reply"])
        except (KeyError, TypeError, ValueError):
            continue
        total += (end - start).total_seconds()
    return total


def execute(path, timeout):
    """(path, executed notebook or None, seconds, traceback or None)."""
    from jupyter_cache.executors.utils import single_nb_execution

    nb = nbformat.read(path, as_version=4)
    result = single_nb_execution(
        nb, cwd=str(path.parent), timeout=timeout, allow_errors=False
    )
    if result.err is not None:
        return path, None, result.time, result.exc_string
    return path, nb, result.time, None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)

    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    timeout = config["execute"]["timeout"]
    assert config["execute"].get("allow_errors") is False, "allow_errors must stay off"
    cache = get_cache(str(args.cache))
    paths = sorted(
        (p.resolve() for p in args.notebooks), key=recorded_seconds, reverse=True
    )
    if args.jobs > 1:
        # The kernels inherit this process's environment through the workers.
        for name in BLAS_THREADS:
            os.environ.setdefault(name, "1")
    failed = []
    start = time.monotonic()
    # Fresh interpreters for the workers: no state of this process (zmq, the
    # cache's database) is shared with them.
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(args.jobs, mp_context=context) as pool:
        futures = [pool.submit(execute, path, timeout) for path in paths]
        for future in concurrent.futures.as_completed(futures):
            path, nb, seconds, traceback = future.result()
            name = path.relative_to(ROOT)
            if traceback is not None:
                failed.append(name)
                print(f"{name}: FAILED after {seconds:.1f} s\n{traceback}", flush=True)
                continue
            cache.cache_notebook_bundle(
                CacheBundleIn(nb, str(path), data={"execution_seconds": seconds}),
                check_validity=False,
                overwrite=True,
            )
            print(f"{name}: executed in {seconds:.1f} s", flush=True)
    print(
        f"{len(paths) - len(failed)} of {len(paths)} notebooks executed into "
        f"{args.cache} in {time.monotonic() - start:.0f} s ({args.jobs} at a time)"
    )
    if failed:
        print("failed: " + ", ".join(map(str, failed)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
