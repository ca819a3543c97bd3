"""A small HTTP client for loopback load and benchmark runs: one keep-alive connection and cookie jar per
virtual user, and a parser for the app's GOV.UK forms (so scripts post exactly what a browser would)."""

from __future__ import annotations

import http.client
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # hidden and preset values
    radios: dict[str, list[str]] = field(default_factory=dict)  # name -> option values, in page order
    checked: dict[str, str] = field(default_factory=dict)  # radio name -> currently checked value
    checkboxes: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # text inputs and textareas -> value
    buttons: list[tuple[str, str, str]] = field(default_factory=list)  # (name, value, label)

    def value(self, name: str) -> str | None:
        return next((v for n, v in self.fields if n == name), None)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._button: tuple[str, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = Form(action=a.get("action", ""))
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        if tag == "input":
            kind, name, value = a.get("type", "text").lower(), a.get("name"), a.get("value", "")
            if not name:
                return
            if kind == "radio":
                form.radios.setdefault(name, []).append(value)
                if "checked" in a:
                    form.checked[name] = value
            elif kind == "checkbox":
                form.checkboxes.setdefault(name, []).append((value, "checked" in a))
            elif kind in ("hidden",):
                form.fields.append((name, value))
            elif kind in ("submit",):
                form.buttons.append((name, value, value))
            elif kind != "file":
                form.texts[name] = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._text = []
        elif tag == "button":
            self._button = (a.get("name", ""), a.get("value", ""))
            self._text = []

    def handle_data(self, data):
        if self._textarea is not None or self._button is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.texts[self._textarea] = "".join(self._text).lstrip("\n")
            self._textarea = None
        elif tag == "button" and self._button is not None and self._form is not None:
            self._form.buttons.append((*self._button, " ".join("".join(self._text).split())))
            self._button = None


def forms_in(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return [f for f in parser.forms if "sign-out" not in f.action]


class Client:
    """One virtual user: its own connection and session cookie."""

    def __init__(self, base_url: str, timeout: float = 60):
        parts = urlsplit(base_url)
        self.base_url = base_url.rstrip("/")
        self.host, self.port = parts.hostname, parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self._conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(self, method: str, path: str, data: list[tuple[str, str]] | dict | None = None) -> Response:
        body = urlencode(data) if data is not None else None
        headers = {"Accept": "text/html"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):  # a keep-alive connection the server closed is reopened once
            started = time.perf_counter()
            try:
                conn = self._connection()
                conn.request(method, path, body=body, headers=headers)
                raw = conn.getresponse()
                content = raw.read().decode("utf-8", errors="replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
        elapsed = time.perf_counter() - started
        for name, value in raw.getheaders():
            if name.lower() == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _, val = cookie.partition("=")
                if val:
                    self.cookies[key.strip()] = val.strip()
                else:
                    self.cookies.pop(key.strip(), None)
        if raw.getheader("Connection", "").lower() == "close":
            self.close()
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, content, elapsed)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data) -> Response:
        return self.request("POST", path, data)

    def path_of(self, url: str) -> str:
        absolute = urljoin(self.base_url + "/", url)
        parts = urlsplit(absolute)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def sign_in(self, email: str, password: str) -> None:
        page = self.get("/sign-in")
        token = forms_in(page.body)[0].value("csrf_token")
        response = self.post("/sign-in", {"csrf_token": token or "", "email": email, "password": password})
        if response.status != 302:
            raise RuntimeError(f"sign-in as {email} failed with HTTP {response.status}")


def links(html: str, pattern: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'href="(' + pattern + r')"', html)))


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]
