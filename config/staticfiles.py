"""Static files from npm packages: only their compiled parts.

govuk-frontend also carries its Sass sources, Nunjucks templates and ES modules, and
accessible-autocomplete its sources and a React build: thousands of files this service
never serves.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

_GOVUK_COMPILED = ["govuk-frontend.min.css", "govuk-frontend.min.css.map", "govuk-frontend.min.js", "govuk-frontend.min.js.map"]
_AUTOCOMPLETE_COMPILED = [
    "accessible-autocomplete.min.css",
    "accessible-autocomplete.min.css.map",
    "accessible-autocomplete.min.js",
    "accessible-autocomplete.min.js.map",
]


class NpmPackagesFinder(BaseFinder):
    """GOV.UK Frontend's compiled CSS and JS under govuk/ with its fonts and images at the root,
    and accessible-autocomplete's under accessible-autocomplete/.

    The compiled GOV.UK CSS refers to its fonts and images as /assets/fonts/... and
    /assets/images/..., which is why STATIC_URL is /assets/.
    """

    def __init__(self, *args, **kwargs):
        root = Path(settings.GOVUK_FRONTEND_DIR)
        self.compiled = FileSystemStorage(location=root)
        self.assets = FileSystemStorage(location=root / "assets")
        self.autocomplete = FileSystemStorage(location=settings.ACCESSIBLE_AUTOCOMPLETE_DIR)
        for storage, prefix in [(self.compiled, "govuk"), (self.autocomplete, "accessible-autocomplete")]:
            storage.prefix = prefix

    def _files(self):
        for name in _GOVUK_COMPILED:
            yield f"govuk/{name}", self.compiled, name
        for name in _AUTOCOMPLETE_COMPILED:
            yield f"accessible-autocomplete/{name}", self.autocomplete, name
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

        errors = []
        for storage, name, package in [(self.compiled, _GOVUK_COMPILED[0], "GOV.UK Frontend"), (self.autocomplete, _AUTOCOMPLETE_COMPILED[0], "accessible-autocomplete")]:
            if not Path(storage.location, name).exists():
                errors.append(Error(f"{package} is not installed at {storage.location}: run `npm ci`.", id="config.E001"))
        return errors
