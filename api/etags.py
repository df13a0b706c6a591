import hashlib
import json

from django.http import HttpRequest, HttpResponse
from ninja import Schema


def etagged(request: HttpRequest, answer: Schema, *, private: bool = False) -> HttpResponse:
    """The answer as JSON with its ETag, or 304 when the caller already has it (If-None-Match)."""
    body = json.dumps(answer.model_dump(mode="json"), sort_keys=True)
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    sent = [tag.strip().removeprefix("W/") for tag in request.headers.get("If-None-Match", "").split(",")]
    response = HttpResponse(status=304) if etag in sent or "*" in sent else HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache" if private else "public, max-age=60"
    return response

