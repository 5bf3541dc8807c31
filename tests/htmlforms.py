"""Read a form off a rendered page as a browser would submit it, so a test can post back
exactly what the page offered (nothing the template left out, no row the page did not show)."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self.in_form = False
        self.template_depth = 0
        self.select: str | None = None
        self.select_first: str | None = None
        self.select_chosen = False
        self.option_value: str | None = None
        self.textarea: str | None = None
        self.data: dict[str, list[str]] = {}

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.in_form = True
            self.data = {}
            self.forms.append((a.get("id", ""), self.data))
            return
        if not self.in_form:
            return
        if tag == "template":
            self.template_depth += 1
        if self.template_depth or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(name, a.get("value", "on"))
            elif kind not in ("submit", "button", "image", "reset"):
                self._add(name, a.get("value", ""))
        elif tag == "select" and name:
            self.select, self.select_first, self.select_chosen = name, None, False
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.select_first is None:
                self.select_first = value
            if "selected" in a and not self.select_chosen:
                self._add(self.select, value)
                self.select_chosen = True
        elif tag == "textarea" and name:
            self.textarea = name
            self._add(name, "")

    def handle_endtag(self, tag: str) -> None:
        if not self.in_form:
            return
        if tag == "template":
            self.template_depth -= 1
        elif tag == "select" and self.select:
            if not self.select_chosen and self.select_first is not None:
                self._add(self.select, self.select_first)
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.in_form = False

    def handle_data(self, data: str) -> None:
        if self.textarea and not self.template_depth:
            self.data[self.textarea][-1] += data


def form_data(html: str | bytes, *, containing: str) -> dict[str, str]:
    """The fields of the page's first form that has a field named `containing`, one value
    each, as the browser would post them."""
    reader = _FormReader()
    reader.feed(html.decode() if isinstance(html, bytes) else html)
    for _, data in reader.forms:
        if containing in data:
            return {name: values[-1] for name, values in data.items()}
    raise AssertionError(f"no form on the page has a field named {containing!r}")
