"""Script payloads for stored text fields, and a Chromium page that records any script they run.

Each field gets its own marker number, so a failure names the field whose text ran.
"""

from itertools import count

_numbers = count(1)
FIELDS: dict[int, str] = {}

# Records every call of window.__xss, every CSP violation and every alert/confirm/prompt.
INIT_SCRIPT = """
window.__xssCalls = [];
window.__xss = (n) => window.__xssCalls.push(String(n));
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def payload(field: str, *, limit: int = 200) -> str:
    """A text for `field` that runs window.__xss(<its marker>) wherever it is not escaped."""
    n = next(_numbers)
    FIELDS[n] = field
    text = (
        f'"><img src=x onerror=window.__xss({n})>'
        f"</script><script>window.__xss({n})</script>"
        f"<svg onload=window.__xss({n})>{{{{7*7}}}}javascript:window.__xss({n})"
    )
    return (
        text[:limit] if len(text) <= limit else f'"><img src=x onerror=window.__xss({n})>'[:limit]
    )


def short_payload(field: str) -> str:
    n = next(_numbers)
    FIELDS[n] = field
    return f"<svg onload=window.__xss({n})>"


class Watch:
    """Collects dialogs, script runs and CSP violations of the pages of one browser context."""

    def __init__(self):
        self.problems: list[str] = []

    def attach(self, context, role: str):
        context.add_init_script(INIT_SCRIPT)

        def on_page(page):
            page.on(
                "dialog",
                lambda d: (
                    self.problems.append(f"{role} {page.url}: dialog {d.message}"),
                    d.dismiss(),
                ),
            )
            page.on(
                "console",
                lambda m: (
                    "Content Security Policy" in m.text
                    and self.problems.append(f"{role} {page.url}: console CSP {m.text[:200]}")
                ),
            )

        context.on("page", on_page)

    def check(self, page, role: str, path: str) -> None:
        calls = page.evaluate("window.__xssCalls || []")
        for n in calls:
            self.problems.append(f"{role} {path}: script ran from {FIELDS.get(int(n), n)}")
        for v in page.evaluate("window.__cspViolations || []"):
            self.problems.append(f"{role} {path}: CSP violation {v}")
