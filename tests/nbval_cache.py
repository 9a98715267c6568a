"""nbval's comparison, made against the strict build's execution of each chapter.

`make test` executes every chapter once: the strict build (`make book-strict`)
starts from an empty jupyter-cache, runs each notebook from a clean kernel
(nbclient, `allow_errors: false`) and stores the executed notebook there; the
site and the PDF are rendered from those stored executions. This pytest plugin
then checks the committed outputs against that same execution, cell by cell,
with nbval's own code: its collection (one test per code cell, its tags and
comment markers), `coalesce_streams`, the sanitize file and
`IPyNbCell.compare_outputs`, which compares every output but images and widget
views exactly. Only the source of the fresh outputs differs from
`pytest --nbval`: the cache instead of a kernel that nbval starts itself, so the
notebooks are not executed a second time.

    PYTHONPATH=tests python -m pytest -p nbval_cache \\
        --nbval-cache _build/.jupyter_cache --nbval-sanitize-with FILE chapters

A chapter with no execution in the cache (not built, or changed since) is an
error, never a pass. `make test-nbval` still runs plain nbval, which executes
the notebooks itself (the Python 3.13 job uses it).
"""

import copy
from pathlib import Path

import nbformat
import pytest
from nbval.plugin import IPyNbCell, IPyNbFile, coalesce_streams


def pytest_addoption(parser):
    parser.getgroup("nbval").addoption(
        "--nbval-cache",
        metavar="DIR",
        help="compare each notebook with its execution stored in this jupyter-cache",
    )


def pytest_collect_file(file_path, parent):
    if parent.config.option.nbval_cache and file_path.suffix == ".ipynb":
        return CachedNotebook.from_parent(parent, path=file_path)
    return None


def executed_code_cells(cache_dir, nb):
    """The code cells of the execution of `nb` stored in the jupyter-cache.

    The cache matches a notebook by its code cells and their metadata (and the
    kernelspec), as myst-nb does when it renders the page. Raises LookupError
    when the cache holds no execution of this notebook.
    """
    from jupyter_cache import get_cache

    if not (Path(cache_dir) / "global.db").is_file():
        raise LookupError(f"{cache_dir} is no jupyter-cache: run the strict build")
    cache = get_cache(str(cache_dir))
    try:
        record = cache.match_cache_notebook(nb)
    except KeyError:
        raise LookupError(
            f"{cache_dir} holds no execution of this notebook as committed: "
            "run the strict build after the last change"
        ) from None
    executed = cache.get_cache_bundle(record.pk).nb
    return [cell for cell in executed.cells if cell.cell_type == "code"]


class CachedNotebook(IPyNbFile):
    """nbval's notebook collector; the outputs come from the cache, no kernel runs."""

    def collect(self):
        for item in super().collect():
            yield CachedCell.from_parent(
                self,
                name=item.name,
                cell_num=item.cell_num,
                cell=item.cell,
                options=item.options,
            )

    def setup(self):
        self.setup_sanitize_files()
        cells = executed_code_cells(self.config.option.nbval_cache, self.nb)
        committed = [c.source for c in self.nb.cells if c.cell_type == "code"]
        assert [c.source for c in cells] == committed, (
            "the cached execution's code cells differ from the notebook's"
        )
        self.executed = cells


class CachedCell(IPyNbCell):
    """One code cell: the cached execution's outputs against the committed ones.

    What nbval's `IPyNbCell.runtest` does once the kernel has answered: an error
    output fails the cell unless it is tagged `raises-exception`, streams are
    coalesced on both sides, an unrun reference cell must have no outputs, and
    `compare_outputs` decides.
    """

    def runtest(self):
        if self.options["skip"]:
            pytest.skip()
        executed = self.parent.executed[self.cell_num]
        outs = [nbformat.from_dict(copy.deepcopy(out)) for out in executed.outputs]
        self.test_outputs = outs
        errors = [out for out in outs if out.output_type == "error"]
        if errors and not self.options["check_exception"]:
            self.raise_cell_error(
                "Cell execution caused an exception",
                "\n" + "\n".join(errors[0].traceback),
            )
        outs[:] = coalesce_streams(outs)
        unrun = self.cell.execution_count is None
        if unrun and self.cell.outputs:
            self.raise_cell_error("Unrun reference cell has outputs")
        if self.options["check"] and not unrun:
            reference = coalesce_streams(copy.deepcopy(self.cell.outputs))
            if not self.compare_outputs(outs, reference):
                self.raise_cell_error(
                    "Cell outputs differ", "\n".join(self.comparison_traceback)
                )
