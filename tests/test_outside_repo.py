"""A chapter runs outside the repository, as a reader who downloaded it runs it.

A notebook downloaded from the website imports `sigmoid_course`, which is not
on PyPI: the README, the landing page and every chapter give one command that
installs it from the repository's URL. This test does what that command does,
without a network: it builds the package from the checkout into a fresh
virtual environment (pip, no index, no editable install), copies a core
chapter to a folder outside the repository, and runs it there with nbval,
so every printed output must match the committed one. The fresh environment
takes numpy, matplotlib, Jupyter and the test tools from the suite's own
environment through a path file, but not the suite's editable install of the
package (a path file only adds a folder; it does not run the path files
inside it), and the test checks that the kernel imports the package from the
fresh environment.
"""

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from urllib.parse import urlsplit

import pytest
import yaml

from notebooks import ROOT, load, toc_notebooks

CHAPTER = ROOT / "chapters" / "01-sigmoid.ipynb"


def install_command():
    """The one command that installs the helpers from the repository's URL."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"]["url"]
    assert urlsplit(url).scheme == "https", url
    return f'pip install "sigmoid_course @ git+{url}" jupyterlab'


@pytest.mark.parametrize(
    "page", [ROOT / "README.md", ROOT / "chapters" / "index.md"], ids=lambda p: p.name
)
def test_readme_and_landing_page_give_the_install_command(page):
    assert install_command() in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("nb", toc_notebooks(), ids=lambda p: p.name)
def test_every_chapter_says_how_to_run_it_outside_the_repository(nb):
    cells = load(nb)["cells"]
    # The note belongs near the top, before the first section.
    top = []
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and re.search(r"^## ", source, re.M):
            top.append(source.split("\n## ")[0])
            break
        if cell["cell_type"] == "markdown":
            top.append(source)
    text = "\n".join(top)
    assert install_command() in text, f"{nb.name}: no install command at the top"
    assert f"jupyter lab {nb.name}" in text, (
        f"{nb.name}: the note does not say `jupyter lab {nb.name}`"
    )


def _clean_env():
    """The environment without anything that would point pip or Python at the
    checkout or at a package index."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PIP_", "PYTHON", "VIRTUAL_ENV"))
    }
    env["PIP_NO_INDEX"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def test_a_core_chapter_runs_from_a_fresh_install_outside_the_repository(tmp_path):
    env = _clean_env()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True, env=env,
    ).stdout.strip()
    # numpy, matplotlib, Jupyter, pytest and nbval from the suite's environment.
    suite_purelib = sysconfig.get_paths()["purelib"]
    assert pytest.__file__.startswith(suite_purelib), pytest.__file__
    with open(os.path.join(purelib, "course_suite_packages.pth"), "w") as pth:
        pth.write(suite_purelib + "\n")

    # What `pip install git+URL` fetches: the project files, built by pip.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "code", source / "code",
        ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"),
    )
    subprocess.run(
        [python, "-m", "pip", "install", "--isolated", "--no-index", "--no-deps",
         "--no-build-isolation", "--ignore-installed", "--quiet", str(source)],
        check=True, env=env, cwd=tmp_path,
    )
    where = subprocess.run(
        [python, "-c", "import sigmoid_course; print(sigmoid_course.__file__)"],
        check=True, capture_output=True, text=True, env=env, cwd=tmp_path,
    ).stdout.strip()
    assert where.startswith(str(venv)), f"sigmoid_course imported from {where}"

    reader = tmp_path / "downloads"
    reader.mkdir()
    shutil.copy(CHAPTER, reader / CHAPTER.name)
    result = subprocess.run(
        [python, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--nbval",
         "--nbval-current-env", "--nbval-sanitize-with",
         str(ROOT / "tests" / "nbval_sanitize.cfg"), CHAPTER.name],
        capture_output=True, text=True, env=env, cwd=reader,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
