"""Conversation steps through the API, shared by the API, page and OpenAPI tests."""

from __future__ import annotations

import io
from typing import Any

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.conversations import files


def upload(api: Any, who: dict[str, Any], name: str, data: bytes) -> tuple[int, Any]:
    """POST /attachments as multipart. The body is encoded here, in memory: the test
    client's own encoder spools a large one to a temporary file it never closes."""
    boundary, body = encode_multipart(
        MultiDict({"file": FileStorage(io.BytesIO(data), filename=name)})
    )
    with api.client.post(
        "/api/v1/attachments",
        data=body,
        headers={"Authorization": f"Bearer {who['token']}"},
        content_type=f"multipart/form-data; boundary={boundary}",
    ) as response:
        assert response.status_code < 500, response.get_data(as_text=True)
        return response.status_code, response.get_json(silent=True)


def open_thread(api: Any, who: dict[str, Any], mission_id: str, **body: Any) -> tuple[int, Any]:
    return api.post(f"/api/v1/missions/{mission_id}/conversations", body, token=who["token"])


def say(api: Any, who: dict[str, Any], conversation_id: str, body: str, *files: str) -> Any:
    status, message = api.post(
        f"/api/v1/conversations/{conversation_id}/messages",
        {"body": body, "attachment_ids": list(files)},
        token=who["token"],
    )
    assert status == 201, message
    return message


def messages(api: Any, who: dict[str, Any], conversation_id: str) -> tuple[int, Any]:
    return api.get(f"/api/v1/conversations/{conversation_id}/messages", token=who["token"])


def message_with_file(api: Any, who: dict[str, Any], conversation_id: str) -> str:
    """`who` sends a PDF in the conversation; the attachment's id."""
    status, uploaded = upload(api, who, "document.pdf", files.pdf())
    assert status == 201, uploaded
    say(api, who, conversation_id, "Le document, ci-joint.", uploaded["id"])
    return str(uploaded["id"])
