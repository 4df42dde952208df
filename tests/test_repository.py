"""The README, CI entry and pins agree with what the project really does."""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def load_tool(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_tables_match_the_benchmark_results():
    update_readme = load_tool("update_readme")
    text = (ROOT / "README.md").read_text()
    assert update_readme.render(text) == text, "README tables are stale: run `make readme`"


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
    assert {"tensorflow-cpu", "keras", "jupyter-book", "nbval", "pytest", "ruff"} <= names
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-r requirements.lock" in pip_section


def test_speedup_row_divides_times_and_bounds_thresholds_the_tutorial_missed():
    update_readme = load_tool("update_readme")

    def hit(seconds):
        return None if seconds is None else {"seconds": seconds, "step": 1}

    def config(score_seconds, fid_seconds):
        return {"score": {"9.0": hit(score_seconds)}, "fid": {"20.0": hit(fid_seconds)}}

    results = {"cap_minutes": 20, "score_thresholds": [9.0], "fid_thresholds": [20.0],
               "configurations": {"book": config(100.0, None), "tutorial": config(400.0, None)}}
    assert update_readme._speedup_row(results) == "| book sooner by | 4.0× | – | | | |"
    results["configurations"] = {"book": config(150.0, 60.0), "tutorial": config(None, None)}
    assert update_readme._speedup_row(results) == "| book sooner by | ≥ 8.0× | ≥ 20.0× | | | |"
