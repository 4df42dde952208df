"""The README, CI entry and pins agree with what the project really does."""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def load_tool(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_tables_match_the_benchmark_results():
    update_readme = load_tool("update_readme")
    assert set(update_readme.FILES) == {ROOT / "README.md", ROOT / "benchmarks" / "README.md"}
    for path, sections in update_readme.FILES.items():
        text = path.read_text()
        assert update_readme.render(text, sections) == text, f"{path.name} is stale: run `make readme`"


def test_readme_is_short_and_keeps_the_results_on_their_own_page():
    readme = (ROOT / "README.md").read_text()
    headings = re.findall(r"^## (.+)$", readme, re.M)
    assert headings[:4] == ["The chapters", "How to read it", "Results at a glance",
                            "Where the data comes from"], headings
    assert len(readme) < 10_000 and "generated:profile-times" not in readme
    glance = readme.split("<!-- BEGIN generated:glance -->")[1].split("<!-- END")[0]
    assert len(re.findall(r"^\| (?!what \||---)", glance, re.M)) == 5, glance


def _markdown_links(path):
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)
    return re.findall(r"\]\(([^)\s]+)\)", text)


@pytest.mark.parametrize("name", ["README.md", "benchmarks/README.md", "CONTRIBUTING.md"])
def test_every_relative_link_resolves_within_the_repository(name):
    path = ROOT / name
    local = [link for link in _markdown_links(path) if not re.match(r"[a-z]+:", link)]
    assert local, f"{name} links to nothing in the repository"
    for link in local:
        target = link.split("#")[0]
        if target:
            assert (path.parent / target).exists(), f"{name}: {link} does not exist"


def test_the_readme_figure_is_the_dcgan_chapters_png():
    readme = (ROOT / "README.md").read_text()
    figure = re.search(r"^!\[[^\]]+\]\(([^)]+)\)$", readme, re.M).group(1)
    assert figure == "ganbook/assets/results/keras_dcgan_samples.png"
    assert (ROOT / figure).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the chapter's export cell writes it; nothing else in the repository does
    writers = [p.name for p in (ROOT / "book").glob("*.ipynb") if "keras_dcgan_samples.png" in p.read_text()]
    assert writers == ["keras_dcgan.ipynb"]


def test_colab_and_site_links_follow_config_and_list_every_chapter():
    update_readme = load_tool("update_readme")
    settings = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    owner_name = settings["url"].removeprefix("https://github.com/")
    readme = (ROOT / "README.md").read_text()
    colab = re.findall(r"\(https://colab\.research\.google\.com/github/([^)]+)\)", readme)
    pages = re.findall(r"\((https://[\w-]+\.github\.io/[^)]*?book/(\w+)\.html)\)", readme)
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    notebooks = [c["file"].removeprefix("book/") for part in toc["parts"] for c in part["chapters"]
                 if (ROOT / f"{c['file']}.ipynb").exists()]
    expected = [f"{owner_name}/blob/{settings['branch']}/book/{chapter}.ipynb" for chapter in notebooks]
    assert colab == expected
    assert [chapter for _, chapter in pages] == notebooks
    assert all(url == f"{update_readme.site_url()}book/{chapter}.html" for url, chapter in pages)
    assert update_readme.site_url() in readme and settings["url"] in readme


def test_the_github_workflows_pass_actionlint_and_it_catches_a_mistake(tmp_path):
    actionlint = Path(sys.executable).with_name("actionlint")
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert {p.name for p in workflows} == {"test.yml", "book.yml"}
    result = subprocess.run([str(actionlint), *map(str, workflows)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n"
                      "    steps:\n      - run: echo ${{ github.foo }}\n")
    result = subprocess.run([str(actionlint), str(broken)], capture_output=True, text=True)
    assert result.returncode == 1 and "github.foo" in result.stdout, result.stdout


def _steps(workflow):
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_the_workflows_run_the_makefile_targets():
    test = yaml.safe_load((ROOT / ".github/workflows/test.yml").read_text())
    book = yaml.safe_load((ROOT / ".github/workflows/book.yml").read_text())
    # PyYAML reads the key `on` as True
    assert set(test[True]) == {"push", "pull_request"}
    assert "schedule" in book[True] and book[True]["push"]["branches"] == ["main"]
    assert "./.ci/run" in [s.get("run") for s in _steps(test)]
    assert "make book" in [s.get("run") for s in _steps(book)]
    uses = {s.get("uses", "").split("@")[0] for s in _steps(book)}
    assert {"actions/upload-pages-artifact", "actions/deploy-pages"} <= uses
    cached = [s["with"]["path"] for s in _steps(book) if s.get("uses", "").startswith("actions/cache")]
    assert cached == [".venv", "_build/.jupyter_cache"]


def test_readme_states_the_two_commands_first_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1)
    assert first_block.lstrip().startswith("make book") and "\nmake test" in first_block
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)


def test_the_code_passes_ruff():
    """pyproject.toml's ruff rules (pycodestyle, pyflakes, import order) over every Python file."""
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run([str(ruff), "check", "ganbook", "tests", "benchmarks", "tools"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_pins_are_exact_and_environment_yml_uses_them():
    pins = [line for line in (ROOT / "requirements.lock").read_text().splitlines()
            if line and not line.startswith("#")]
    assert pins and all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[^\s=]+", p) for p in pins), pins
    names = {p.split("==")[0].lower().replace("_", "-") for p in pins}
    assert {"tensorflow-cpu", "keras", "jupyter-book", "nbval", "pytest", "pytest-xdist", "ruff"} <= names
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-r requirements.lock" in pip_section


def test_the_glance_footer_takes_the_machine_and_the_data_from_the_results(monkeypatch):
    update_readme = load_tool("update_readme")
    stored = {"machine": "4 cores, Python 3", "data": "mnist: 100 train + 20 test images of shape (28, 28, 1)"}
    monkeypatch.setattr(update_readme.tables, "load_results", lambda name: stored)
    assert update_readme.glance_machine() == "On a 4-core CPU, MNIST (the 120-digit offline subset)"
