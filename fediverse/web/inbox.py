"""The inbox endpoints: ``POST /inbox`` (shared) and ``POST /{users,groups}/NAME/inbox``.

The route reads the body within the size limit and parses it; :func:`inbox.receive.receive`
does the rest (verify, then store durably) and the answer is 202 only once it is committed.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from community.metrics import record_inbox_request
from fediverse.web.bodies import BodyTooLarge, InvalidJSON, parse_json_object, read_body
from fediverse.web.state import web_state
from inbox.receive import InboxRequest, Rejection, check_content_type, receive

ACCEPTED = Response(status_code=202)


def _answer(rejection: Rejection) -> Response:
    record_inbox_request("accepted" if rejection.status == 202 else "rejected", rejection.metric)
    if rejection.status == 202:
        return ACCEPTED
    return JSONResponse({"error": rejection.reason}, status_code=rejection.status)


async def post_inbox(request: Request) -> Response:
    state = web_state(request)
    name = request.path_params.get("name")
    try:
        check_content_type(request.headers.get("content-type", ""))
        body = await read_body(request, state.context.settings.max_body_bytes)
        inbox_request = InboxRequest(
            path=request.url.path,
            query=request.url.query,
            headers=request.headers.items(),
            body=body,
            addressed_to=None if name is None else (request.url.path.split("/", 2)[1], name),
            activity=parse_json_object(body),
        )
        await receive(state.context, state.intake, inbox_request)
    except BodyTooLarge as exc:
        return _answer(Rejection(413, str(exc)))
    except InvalidJSON as exc:
        return _answer(Rejection(400, str(exc)))
    except Rejection as rejection:
        return _answer(rejection)
    return ACCEPTED


routes = [
    Route("/inbox", post_inbox, methods=["POST"]),
    Route("/actor/inbox", post_inbox, methods=["POST"]),
    Route("/users/{name}/inbox", post_inbox, methods=["POST"]),
    Route("/groups/{name}/inbox", post_inbox, methods=["POST"]),
]
