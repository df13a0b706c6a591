"""Print pyproject.toml's direct dependencies for `make lock`: `base` or `dev`.

face-recognition-ng is left out: it declares a dependency on `dlib`, a source build,
and is installed on its own with --no-deps (dlib-bin provides the module).
"""

import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())["project"]
group = project["dependencies"] if sys.argv[1] == "base" else project["optional-dependencies"][sys.argv[1]]
print("\n".join(req for req in group if not req.startswith("face-recognition-ng")))
