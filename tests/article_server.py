"""A real HTTP server on 127.0.0.1 serving invented news pages, for the /add tests.

Every route is local: redirects to private addresses are only ever *named* in a
Location header; policybot must refuse them before connecting.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FERRY_CANONICAL = "https://riverton-herald.example/2025/03/night-ferry"
FERRY_TITLE = "Riverton council backs a night ferry across the estuary"
FERRY_WHITFIELD = "A night ferry will keep our hospital staff and our students off the dark coast road"
FERRY_REYES = "Nobody has shown me where the money for the extra crew will come from"

FERRY_PARAGRAPHS = [
    "Riverton council voted on Monday to run a night ferry across the estuary from the autumn, after a year of campaigning by shift workers and students.",
    f"“{FERRY_WHITFIELD}, and it will pay for itself within five years,” Mayor Dana Whitfield told the council chamber.",
    "The service would leave the harbour steps every forty minutes between ten at night and five in the morning, according to the council's transport plan.",
    f"Councillor Omar Reyes, who voted against the plan, questioned its budget. “{FERRY_REYES},” Reyes said. “The harbour fund is already spoken for twice over.”",
    "Whitfield said the first crossings would begin in October if the regional grant was confirmed.",
]


def article_html(title: str, paragraphs: list[str], canonical: str | None, published: str = "2025-03-11") -> str:
    canonical_link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | Riverton Herald</title>
{canonical_link}
<meta property="og:site_name" content="Riverton Herald">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{published}T08:00:00+00:00">
<meta name="author" content="Lena Brooks">
</head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/subscribe">Subscribe</a></nav></header>
<main><article><h1>{title}</h1><p class="byline">By Lena Brooks</p>
{body}
</article></main>
<footer><p>© 2025 Riverton Herald. Cookie settings.</p></footer>
</body></html>"""


FERRY_HTML = article_html(FERRY_TITLE, FERRY_PARAGRAPHS, FERRY_CANONICAL)
# The same article syndicated under another address: a duplicate by its text, not its URL.
FERRY_MIRROR_HTML = article_html(FERRY_TITLE, FERRY_PARAGRAPHS, "https://syndicate.example/riverton/ferry")
MENU_HTML = (
    "<html><head><title>Riverton Herald</title></head><body><nav><a href='/'>Home</a> <a href='/news'>News</a>"
    " <a href='/sport'>Sport</a></nav><script>var page = 'index';</script></body></html>"
)

PLAIN_TEXT = """Library hours to grow

Head librarian Maria Santos said on Friday that the central library would open on Sundays from June. “A library that closes when people are free to read is a library in name only,” Santos said.
"""


def pdf_bytes(title: str, paragraphs: list[str]) -> bytes:
    """A small real PDF with a title and paragraphs of wrapped text, written with fpdf2."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.multi_cell(0, 10, title)
    pdf.ln(4)
    pdf.set_font("Helvetica", size=11)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 6, paragraph)
        pdf.ln(4)
    return bytes(pdf.output())


PDF_TITLE = "Statement on the harbour wall repairs"
PDF_QUOTE = "We will rebuild the harbour wall before the winter storms arrive"
PDF_PARAGRAPHS = [
    "The Harbour Board issued the following statement on Wednesday about the damaged sea wall at the north quay.",
    # Straight quotes: the PDF's built-in Helvetica has no curly ones.
    f'"{PDF_QUOTE}," said Ingrid Holm, the board chair. "The quay will stay open to fishing boats throughout the work."',
    "Engineers expect the repairs to take eleven weeks.",
]


Handler = Callable[[BaseHTTPRequestHandler], None]


def _send(status: int, content_type: str | None, body: bytes, headers: dict | None = None) -> Handler:
    def handle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(status)
        if content_type:
            request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            request.send_header(key, value)
        request.end_headers()
        request.wfile.write(body)

    return handle


def _redirect(location: str) -> Handler:
    return _send(302, "text/html", b"moved", {"Location": location})


def _endless(chunk: bytes, chunks: int, pause: float = 0.0) -> Handler:
    """A body without Content-Length: only a streaming limit can stop it early (bounded all the same)."""

    def handle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.end_headers()
        with contextlib.suppress(OSError):  # the client hangs up once it has seen enough
            for _ in range(chunks):
                request.wfile.write(chunk)
                request.wfile.flush()
                if pause:
                    time.sleep(pause)

    return handle


def _declared_large(request: BaseHTTPRequestHandler) -> None:
    request.send_response(200)
    request.send_header("Content-Type", "text/html")
    request.send_header("Content-Length", str(50_000_000))
    request.end_headers()
    with contextlib.suppress(OSError):
        request.wfile.write(b"<html>")


def routes() -> dict[str, Handler]:
    html = "text/html; charset=utf-8"
    return {
        "/news/night-ferry": _send(200, html, FERRY_HTML.encode()),
        "/syndicated/night-ferry": _send(200, html, FERRY_MIRROR_HTML.encode()),
        "/go/night-ferry": _redirect("/news/night-ferry"),
        "/go/internal": _redirect("http://10.20.30.40/admin"),
        "/go/metadata": _redirect("http://169.254.169.254/latest/meta-data/"),
        "/menu": _send(200, html, MENU_HTML.encode()),
        "/huge": _endless(b"<p>" + b"spam " * 2000 + b"</p>\n", chunks=400),
        "/huge-declared": _declared_large,
        "/slow": _endless(b" ", chunks=200, pause=0.05),
        "/logo.png": _send(200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        "/library.txt": _send(200, "text/plain; charset=utf-8", PLAIN_TEXT.encode()),
        "/harbour-statement.pdf": _send(200, "application/pdf", pdf_bytes(PDF_TITLE, PDF_PARAGRAPHS)),
    }


class ArticleServer:
    def __init__(self, extra: dict[str, Handler] | None = None):
        table = {**routes(), **(extra or {})}
        self.hits: list[str] = []
        hits = self.hits

        class Handle(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                path = self.path.split("?", 1)[0]
                hits.append(path)
                table.get(path, _send(404, "text/html", b"<h1>Not found</h1>"))(self)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="article-server", daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> "ArticleServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(10)


@contextlib.contextmanager
def article_server(extra: dict[str, Handler] | None = None) -> Iterator[ArticleServer]:
    with ArticleServer(extra) as server:
        yield server


