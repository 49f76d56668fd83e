"""A tiny browser for page tests: fetch a page, read its forms, post them with their CSRF token."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# Tags that separate words in the rendered page; inline tags (strong, a, span) do not.
_BLOCKS = {
    "p",
    "div",
    "li",
    "td",
    "th",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "br",
    "dt",
    "dd",
    "label",
    "option",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "ul",
    "ol",
    "small",
    "button",
    "blockquote",
    "legend",
    "fieldset",
    "form",
    "main",
    "aside",
    "hgroup",
    "summary",
    "textarea",
    "time",
    "title",
}


def normalise(text: str) -> str:
    """Collapse whitespace, including the narrow no-break spaces of French number formatting."""
    return _SPACES.sub(" ", text).strip()


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # hidden and pre-filled values

    @property
    def csrf_token(self) -> str | None:
        values = self.fields.get("csrf_token")
        return values[0] if values else None


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.elements: dict[str, dict[str, str]] = {}  # id -> attributes
        self.texts_by_id: dict[str, list[str]] = {}
        self._open_ids: list[tuple[str, str]] = []  # (tag, id) whose text we collect
        self._form: Form | None = None
        self._skip = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag in _BLOCKS:
            self.text.append(" ")
        if tag in ("script", "style"):
            self._skip += 1
        if "id" in attributes:
            self.elements[attributes["id"]] = {"tag": tag, **attributes}
            if tag not in ("input", "br", "img", "meta", "link"):
                self._open_ids.append((tag, attributes["id"]))
                self.texts_by_id[attributes["id"]] = []
        if tag == "form":
            self._form = Form(attributes.get("action", ""), attributes.get("method", "get").lower())
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None and "name" in attributes:
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            if kind in ("submit", "button"):
                return
            self._form.fields.setdefault(attributes["name"], []).append(attributes.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1
        if tag in _BLOCKS:
            self.text.append(" ")
        if tag == "form":
            self._form = None
        for index in range(len(self._open_ids) - 1, -1, -1):
            if self._open_ids[index][0] == tag:
                del self._open_ids[index]
                break

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        for _tag, element_id in self._open_ids:
            self.texts_by_id[element_id].append(data)


class Page:
    def __init__(self, response: TestResponse) -> None:
        self.response = response
        self.status = response.status_code
        self.html = response.get_data(as_text=True)
        self.path = response.request.path
        parser = _Parser()
        parser.feed(self.html)
        self.forms = parser.forms
        self._elements = parser.elements
        self._texts = parser.texts_by_id
        self.text = normalise("".join(parser.text))

    def form(self, action: str | None = None) -> Form:
        """The form posting to `action` (the first form with a CSRF token if not given)."""
        for form in self.forms:
            if action is None and form.csrf_token and form.method == "post":
                if form.action != "/deconnexion":
                    return form
            elif action is not None and form.action.split("?")[0] == action:
                return form
        raise AssertionError(
            f"no form for {action!r} on {self.path}: {[f.action for f in self.forms]}"
        )

    def element(self, element_id: str) -> dict[str, str]:
        assert element_id in self._elements, f"#{element_id} not on {self.path}"
        return self._elements[element_id]

    def text_of(self, element_id: str) -> str:
        self.element(element_id)
        return normalise("".join(self._texts.get(element_id, [])))

    def field_error(self, name: str) -> str:
        """The error shown next to form field `name`, checking it is wired for screen readers."""
        error = self.text_of(f"f-{name}-error")
        field_attrs = self._elements.get(f"f-{name}")
        if field_attrs is not None:
            assert field_attrs.get("aria-invalid") == "true", field_attrs
            assert f"f-{name}-error" in field_attrs.get("aria-describedby", ""), field_attrs
        return error

    def value(self, name: str) -> str:
        return unescape(self.element(f"f-{name}").get("value", ""))

    def heading(self) -> str:
        match = re.search(r"<h1[^>]*>(.*?)</h1>", self.html, re.S)
        assert match, f"no h1 on {self.path}"
        return normalise(unescape(re.sub(r"<[^>]+>", "", match.group(1))))

    def flashes(self) -> list[str]:
        return [
            normalise(unescape(re.sub(r"<[^>]+>", "", m)))
            for m in re.findall(r'<p class="flash flash-\w+">(.*?)</p>', self.html, re.S)
        ]

    def __repr__(self) -> str:
        return f"<Page {self.path} {self.status}: {self.text[:3000]}>"

    def __contains__(self, text: str) -> bool:
        return normalise(text) in self.text


class Browser:
    """One visitor with their own cookies."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, path: str, *, expect: int | None = 200, **kwargs: Any) -> Page:
        page = Page(self.client.get(path, follow_redirects=True, **kwargs))
        if expect is not None:
            assert page.status == expect, (path, page.status, page.text[:2000])
        return page

    def submit(
        self,
        page: Page | str,
        data: dict[str, Any] | None = None,
        *,
        action: str | None = None,
        expect: int | None = 200,
    ) -> Page:
        """Fill a form of `page` (fetched first if a path) and post it, following redirects."""
        if isinstance(page, str):
            page = self.get(page)
        form = page.form(action)
        payload: dict[str, Any] = {
            name: values if len(values) > 1 else values[0]
            for name, values in form.fields.items()
            if name == "csrf_token" or name == "next"
        }
        payload.update(data or {})
        response = self.client.post(form.action or page.path, data=payload, follow_redirects=True)
        result = Page(response)
        if expect is not None:
            assert result.status == expect, (form.action, result.status, result.text[:2000])
        return result

    def post_raw(self, path: str, data: dict[str, Any]) -> TestResponse:
        return self.client.post(path, data=data)
