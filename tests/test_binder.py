"""The Binder set-up: environment.yml, postBuild and the README badge.

Docker is not needed: these tests check what repo2docker reads. environment.yml must pin
exactly what requirements.txt pins (repo2docker installs only environment.yml when both
exist) plus the documented extras (``BINDER_EXTRAS``: torch, for notebook 8's comparison
with torch.autograd, which `make lab` leaves out), postBuild must install the package
without touching the pinned dependencies and hide nbgrader's instructor tools, and the
badge must open a notebook that exists.
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
ENVIRONMENT = REPO / "environment.yml"
REQUIREMENTS = REPO / "requirements.txt"
POSTBUILD = REPO / "postBuild"
README = REPO / "README.md"
FIRST_NOTEBOOK = "notebooks/00_start_here/00_start_here.ipynb"  # the course map
INSTRUCTOR_PLUGINS = {
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:create-assignment",
}
BINDER_EXTRAS = {"torch"}
"""What Binder installs beyond requirements.txt: each named in environment.yml and the README."""
PIN = re.compile(r"^\s*([A-Za-z0-9_.\-\[\]]+)\s*==\s*([^\s;#]+)\s*$")


def normalise(name):
    """PEP 503 form of a distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_pins():
    pins = {}
    for line in REQUIREMENTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = PIN.match(line)
        assert match, f"requirements.txt: {line!r} is not pinned with =="
        pins[normalise(match.group(1))] = match.group(2)
    return pins


def environment():
    return yaml.safe_load(ENVIRONMENT.read_text())


def environment_pins():
    """Pins from environment.yml: conda `name=version` entries and the pip section."""
    conda, pip = {}, {}
    for entry in environment()["dependencies"]:
        if isinstance(entry, dict):
            for line in entry.get("pip", []):
                match = PIN.match(line)
                assert match, f"environment.yml pip entry {line!r} is not pinned with =="
                pip[normalise(match.group(1))] = match.group(2)
        else:
            name, _, version = str(entry).partition("=")
            conda[normalise(name.strip())] = version.lstrip("=").strip()
    return conda, pip


def postbuild_commands():
    """postBuild's commands, one per logical line (continuations joined, comments dropped)."""
    text = POSTBUILD.read_text().replace("\\\n", " ")
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.strip().startswith("#")]


def disabled_plugins():
    ids = []
    for command in postbuild_commands():
        words = shlex.split(command)
        if words[:3] == ["jupyter", "labextension", "disable"]:
            ids += [w for w in words[3:] if not w.startswith("-")]
    return ids


def nbgrader_labextension():
    """The installed nbgrader JupyterLab extension folder."""
    folder = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyter" / "nbgrader"
    if (folder / "package.json").is_file():
        return folder
    import nbgrader

    candidates = [folder, Path(nbgrader.__file__).parent / "labextension"]
    if (candidates[1] / "package.json").is_file():
        return candidates[1]
    pytest.fail(f"nbgrader's lab extension was not found in {[str(c) for c in candidates]}")


def test_environment_pins_python_311_from_conda_forge():
    env = environment()
    conda, _ = environment_pins()
    assert conda.get("python") == "3.11", "environment.yml must pin python=3.11 (Binder defaults to 3.10)"
    assert "pip" in conda, "environment.yml needs pip for its pip section"
    assert "conda-forge" in env.get("channels", [])


def test_environment_pins_agree_with_requirements():
    requirements = requirement_pins()
    conda, pip = environment_pins()
    assert requirements, "requirements.txt pins nothing"
    both = set(conda) & set(pip)
    assert not both, f"pinned twice in environment.yml (conda and pip): {sorted(both)}"
    pinned = {**{k: v for k, v in conda.items() if k not in ("python", "pip")}, **pip}
    missing = sorted(set(requirements) - set(pinned))
    extra = sorted(set(pinned) - set(requirements) - BINDER_EXTRAS)
    differ = {name: (requirements[name], pinned[name])
              for name in set(requirements) & set(pinned) if requirements[name] != pinned[name]}
    assert not missing, f"in requirements.txt but not in environment.yml: {missing}"
    assert not extra, f"in environment.yml but not in requirements.txt: {extra}"
    assert not differ, f"versions differ (requirements.txt, environment.yml): {differ}"


def test_binder_installs_torch_as_the_one_documented_extra():
    requirements = requirement_pins()
    conda, pip = environment_pins()
    assert set(pip) - set(requirements) == BINDER_EXTRAS, "environment.yml's extras changed"
    assert not BINDER_EXTRAS & set(requirements), "requirements.txt (make lab) stays light"
    assert pip["torch"] == "2.13.0"
    for text, where in ((ENVIRONMENT.read_text(), "environment.yml"),
                        (README.read_text(), "README.md")):
        assert re.search(r"\btorch\b", text) and "notebook 8" in text, (
            f"{where} should say why Binder installs torch")


def test_ipywidgets_major_matches_binder_base():
    _, pip = environment_pins()
    assert pip["ipywidgets"].split(".")[0] == "8", (
        "Binder's base image ships ipywidgets 8; another major breaks widget rendering")


def test_no_binder_folder_hides_the_root_files():
    for folder in ("binder", ".binder"):
        assert not (REPO / folder).exists(), (
            f"{folder}/ exists: repo2docker would ignore environment.yml and postBuild at the root")


def test_environment_does_not_install_the_repository():
    text = ENVIRONMENT.read_text()
    assert not re.search(r"^\s*-\s*(-e\s+)?\.\s*$", text, re.M), (
        "installing the repository from environment.yml rebuilds the dependency layer on "
        "every content edit; postBuild installs it")


def test_postbuild_is_executable_and_stops_on_errors():
    assert POSTBUILD.is_file()
    assert os.access(POSTBUILD, os.X_OK), "postBuild must be executable (chmod +x)"
    lines = POSTBUILD.read_text().splitlines()
    assert lines[0].startswith("#!") and "bash" in lines[0], "postBuild needs a bash shebang"
    assert postbuild_commands()[0] == "set -e", "the first command of postBuild must be `set -e`"
    result = subprocess.run(["bash", "-n", str(POSTBUILD)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_postbuild_installs_the_package_without_dependencies():
    installs = [shlex.split(c) for c in postbuild_commands() if re.match(r"(python -m )?pip install", c)]
    assert installs, "postBuild does not pip install the package"
    for words in installs:
        assert "--no-deps" in words, f"{' '.join(words)}: dependencies come from environment.yml"
        assert words[-2:] == ["-e", "."], f"{' '.join(words)}: expected an editable install of ."


def test_postbuild_hides_the_instructor_extensions():
    ids = set(disabled_plugins())
    missing = INSTRUCTOR_PLUGINS - ids
    assert not missing, f"postBuild does not disable {sorted(missing)}"
    assert "@jupyter/nbgrader:validate-assignment" not in ids, "students need the Validate button"


def test_disabled_plugin_ids_exist_in_the_installed_nbgrader():
    folder = nbgrader_labextension()
    code = "\n".join(p.read_text(errors="replace") for p in (folder / "static").glob("*.js"))
    unknown = [plugin for plugin in disabled_plugins() if f'"{plugin}"' not in code]
    assert not unknown, f"no such plugin in nbgrader's lab extension ({folder}): {unknown}"


def test_postbuild_disable_command_works(tmp_path):
    """Run postBuild's disable command at user level in a scratch config folder."""
    jupyter = Path(sys.executable).with_name("jupyter")
    if not jupyter.exists():
        jupyter = shutil.which("jupyter")
    assert jupyter, "jupyter is not installed"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path))
    ids = disabled_plugins()
    subprocess.run([str(jupyter), "labextension", "disable", "--level=user", *ids],
                   check=True, capture_output=True, text=True, env=env)
    page_config = json.loads((tmp_path / "labconfig" / "page_config.json").read_text())
    disabled = page_config.get("disabledExtensions", {})
    assert all(disabled.get(plugin) is True for plugin in ids), (
        f"expected {ids} disabled in page_config.json, found {disabled}")


def test_readme_binder_badge_opens_the_course_map():
    assert README.is_file(), "README.md is missing"
    badges = [line for line in README.read_text().splitlines() if "mybinder.org/v2/" in line]
    assert badges, "README.md has no Binder badge (a link to mybinder.org/v2/...)"
    badge = badges[0]
    assert "mybinder.org/badge_logo.svg" in badge, f"not a badge image: {badge}"
    match = re.search(r"urlpath=lab/tree/([^)\s&\"']+)", badge)
    assert match, f"the badge does not open JupyterLab at a notebook (urlpath=lab/tree/...): {badge}"
    target = match.group(1)
    assert target == FIRST_NOTEBOOK, f"the badge opens {target}, expected {FIRST_NOTEBOOK}"
    assert (REPO / target).is_file(), f"the badge opens {target}, which does not exist"
