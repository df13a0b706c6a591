"""Static files from the govuk-frontend npm package: only its compiled parts.

The package also carries its Sass sources, Nunjucks templates and ES modules,
thousands of files this service never serves.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

_COMPILED = ["govuk-frontend.min.css", "govuk-frontend.min.css.map", "govuk-frontend.min.js", "govuk-frontend.min.js.map"]


class GovukFrontendFinder(BaseFinder):
    """Serves the compiled CSS and JS under govuk/, and the fonts and images at the root.

    The compiled CSS refers to its fonts and images as /assets/fonts/... and
    /assets/images/..., which is why STATIC_URL is /assets/.
    """

    def __init__(self, *args, **kwargs):
        root = Path(settings.GOVUK_FRONTEND_DIR)
        self.compiled = FileSystemStorage(location=root)
        self.compiled.prefix = "govuk"
        self.assets = FileSystemStorage(location=root / "assets")

    def _files(self):
        for name in _COMPILED:
            yield f"govuk/{name}", self.compiled, name
        for path in sorted(Path(self.assets.location).rglob("*")):
            if path.is_file():
                name = path.relative_to(self.assets.location).as_posix()
                yield name, self.assets, name

    def find(self, path, find_all=False, **kwargs):
        matches = [storage.path(name) for url_path, storage, name in self._files() if url_path == path]
        return matches if find_all else (matches[0] if matches else [])

    def list(self, ignore_patterns):
        for _, storage, name in self._files():
            yield name, storage

    def check(self, **kwargs):
        from django.core.checks import Error

        if not Path(self.compiled.location, _COMPILED[0]).exists():
            return [Error(f"GOV.UK Frontend is not installed at {self.compiled.location}: run `npm ci`.", id="config.E001")]
        return []
