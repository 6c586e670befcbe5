"""The routes of the static files (see names.py for the names) and of /favicon.ico."""

from __future__ import annotations

from litestar import Request, Response, get, head
from litestar.exceptions import NotFoundException

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.assets.encoding import chosen_coding, is_compressible
from groepsaanbod.assets.names import HASHED, IMMUTABLE, PREFIX, REVALIDATE, Asset, encoded, find_asset

#: Smaller than this, a compressed file gains less than its coding's header.
MINIMUM_SIZE = 500


def _resolve(file_path: str) -> tuple[Asset, str]:
    """The asset a requested name means, and how long it may be kept."""
    name = file_path.lstrip("/")
    match = HASHED.match(name)
    if match:
        asset = find_asset(match["stem"] + match["suffix"])
        if asset is not None:
            return asset, IMMUTABLE if asset.digest == match["digest"] else REVALIDATE
    asset = find_asset(name)
    if asset is None:
        raise NotFoundException()
    return asset, REVALIDATE


def asset_response(request: Request, asset: Asset, cache_control: str, *, body: bool = True) -> Response[bytes]:
    headers = {"Cache-Control": cache_control, "ETag": asset.etag}
    if asset.etag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
        return Response(b"", status_code=304, headers=headers)
    content = asset.body
    if is_compressible(asset.media_type.encode()):
        headers["Vary"] = "Accept-Encoding"
        coding = chosen_coding(request.headers.get("accept-encoding", ""))
        if coding is not None and len(content) >= MINIMUM_SIZE:
            content = encoded(asset, coding)
            headers["Content-Encoding"] = coding
    if not body:
        headers["Content-Length"] = str(len(content))
        content = b""
    return Response(content, media_type=asset.media_type, headers=headers)


@get(f"{PREFIX}/{{file_path:path}}", opt=PUBLIC, include_in_schema=False, sync_to_thread=False)
def static_file(request: Request, file_path: str) -> Response[bytes]:
    asset, cache_control = _resolve(file_path)
    return asset_response(request, asset, cache_control)


@head(f"{PREFIX}/{{file_path:path}}", opt=PUBLIC, include_in_schema=False, sync_to_thread=False)
def static_file_head(request: Request, file_path: str) -> Response[None]:
    asset, cache_control = _resolve(file_path)
    return asset_response(request, asset, cache_control, body=False)  # type: ignore[return-value]


@get("/favicon.ico", opt=PUBLIC, include_in_schema=False, sync_to_thread=False)
def favicon(request: Request) -> Response[bytes]:
    """Browsers and other clients ask for it at the root, whatever the page links."""
    asset = find_asset("favicon.ico")
    if asset is None:
        raise NotFoundException()
    return asset_response(request, asset, "public, max-age=86400")


ROUTES = [static_file, static_file_head, favicon]
