"""Every third-party module the code imports comes from a distribution that setup.cfg declares.

A site that installs the wheel gets only what ``install_requires`` names (and what
those pull in by chance): an import that works here because the example site or a
dependency of a dependency brought it along would break there. Likewise a fresh
machine that runs the tests gets only the ``test`` and ``example`` extras.
"""

import ast
import configparser
import importlib.metadata
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "wagtail_meetings"
FIRST_PARTY = {"wagtail_meetings", "tests", "benchmarks", "example_site"}
# What `make test` installs: the app with its test and example extras.
TESTED_WITH = ("test", "example")


def imported_top_level_modules(package_dir):
    """{top-level module: [where it is imported]} for every absolute import in package_dir."""
    found = {}
    for path in sorted(package_dir.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue  # relative imports stay inside the app
            for name in names:
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.setdefault(name.split(".")[0], []).append(where)
    return found


def declared_distributions(extras=()):
    """Normalised names of the distributions in install_requires and the given extras."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    blocks = [config.get("options", "install_requires")]
    blocks += [config.get("options.extras_require", extra) for extra in extras]
    names = set()
    for line in "\n".join(blocks).splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(normalise(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", line).group(0)))
    return names


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def undeclared_imports(imports, declared, distributions_of, declared_in="install_requires"):
    problems = []
    for module, places in sorted(imports.items()):
        if module in sys.stdlib_module_names or module in FIRST_PARTY:
            continue
        distributions = {normalise(name) for name in distributions_of.get(module, [])}
        if not distributions:
            problems.append(f"{module} (imported at {', '.join(places)}) is not installed")
        elif not distributions & declared:
            problems.append(
                f"{module} (imported at {', '.join(places)}) comes from "
                f"{' or '.join(sorted(distributions))}, which {declared_in} does not declare"
            )
    return problems


def test_every_imported_third_party_module_is_declared():
    imports = imported_top_level_modules(APP)
    assert "django" in imports and "wagtail" in imports  # the walk found the imports
    problems = undeclared_imports(
        imports, declared_distributions(), importlib.metadata.packages_distributions()
    )
    assert not problems, "Undeclared dependencies of wagtail_meetings:\n" + "\n".join(problems)


def test_every_module_the_tests_and_the_example_site_import_is_declared():
    imports = {}
    for folder in ("tests", "benchmarks", "example_site"):
        for module, places in imported_top_level_modules(ROOT / folder).items():
            imports.setdefault(module, []).extend(places)
    assert {"pytest", "playwright", "csp"} <= set(imports)  # the walk found the imports
    problems = undeclared_imports(
        imports,
        declared_distributions(TESTED_WITH),
        importlib.metadata.packages_distributions(),
        declared_in="install_requires or the test and example extras",
    )
    assert not problems, "Undeclared dependencies of the tests:\n" + "\n".join(problems)


def test_the_check_notices_an_undeclared_dependency():
    imports = {"json": ["a.py:1"], "django": ["a.py:2"], "requests": ["a.py:3"]}
    distributions_of = {"django": ["Django"], "requests": ["requests"]}
    problems = undeclared_imports(imports, {"django"}, distributions_of)
    assert problems == [
        "requests (imported at a.py:3) comes from requests, which install_requires does not declare"
    ]
