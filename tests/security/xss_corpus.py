"""The stored-XSS corpus: payloads that each carry a marker `xssNN`.

A payload that executes calls `alert('xssNN')` (or builds an element whose attribute holds
the marker), so a test can tell which one fired. The template payloads are written
`xssNN=<expression>`: if anything evaluated them, `xssNN=49` would appear on the page.
Every payload is one line (a browser's <input> drops line breaks), holds no NUL (PostgreSQL
refuses it) and nothing the review masking would rewrite (no e-mail address, no phone number).
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Payload:
    marker: str  # xss01, xss02… (never "xss49": see TEMPLATE_RESULTS)
    text: str
    what: str  # the technique, for a readable failure


def _corpus(*items: tuple[str, str]) -> tuple[Payload, ...]:
    """Number the payloads (skipping 49, see TEMPLATE_RESULTS): `{m}` becomes the marker."""
    markers = (f"xss{n:02d}" for n in range(1, 100) if n != 49)
    return tuple(
        Payload(marker, text.replace("{m}", marker), what)
        for marker, (what, text) in zip(markers, items, strict=False)
    )


LONG_FILLER = ("Le service client m'a rappelé. " * 140).strip()  # ~4 300 characters

PAYLOADS = _corpus(
    ("script tag", "<script>alert('{m}')</script>"),
    ("script tag, mixed case", "<ScRiPt>alert('{m}')</sCrIpT>"),
    ("img onerror", "<img src=x onerror=alert('{m}')>"),
    ("svg onload", "<svg onload=alert('{m}')>"),
    ("body onload", "<body onload=alert('{m}')>"),
    ("iframe srcdoc", "<iframe srcdoc=\"<script>alert('{m}')</script>\"></iframe>"),
    ("iframe javascript: src", "<iframe src=\"javascript:alert('{m}')\"></iframe>"),
    ("link javascript: href", "<a href=\"javascript:alert('{m}')\">clic {m}</a>"),
    ("bare javascript: URL", "javascript:alert('{m}')"),
    ("link data: URL", "<a href=\"data:text/html,<script>alert('{m}')</script>\">{m}</a>"),
    ("bare data: URL", "data:text/html,<script>alert('{m}')</script>"),
    ("double-quote attribute breakout", '" onmouseover="alert(\'{m}\')" x="'),
    ("single-quote attribute breakout", "' onfocus='alert(`{m}`)' autofocus x='"),
    ("quote then tag", "\"><script>alert('{m}')</script>"),
    ("quote then img", "'><img src=x onerror=alert('{m}')>"),
    ("textarea breakout", "</textarea><script>alert('{m}')</script>"),
    ("title breakout", "</title><script>alert('{m}')</script>"),
    ("script-context breakout", "</script><script>alert('{m}')</script>"),
    (
        "style tag with javascript: URL",
        "<style>*{background:url(\"javascript:alert('{m}')\")}</style>",
    ),
    ("CSS expression", "<div style=\"width:expression(alert('{m}'))\">{m}</div>"),
    ("Jinja expression", "{m}={{7*7}}"),
    ("other template syntaxes", "{m}=${7*7} #{7*7} <%= 7*7 %> {{=7*7}} [[7*7]]"),
    ("Jinja raw block and tags", "{m}={% raw %}{{7*7}}{% endraw %}{% print(7*7) %}"),
    ("Jinja object access", "{m}={{config.SECRET_KEY}}{{request.application}}{{''.__class__}}"),
    ("format strings", "{m} %(name)s %s %d {0} {name} %(num)d"),
    ("pre-escaped entities", "&lt;script&gt;alert('{m}')&lt;/script&gt;"),
    ("numeric entities", "&#60;img src=x onerror=alert('{m}')&#62;"),
    ("entity-encoded handler", "<img src=x onerror=\"&#97;&#108;&#101;&#114;&#116;('{m}')\">"),
    ("entity-encoded javascript:", "<a href=\"&#106;avascript:alert('{m}')\">{m}</a>"),
    ("JavaScript unicode escapes", "\\u003cscript\\u003ealert('{m}')\\u003c/script\\u003e"),
    ("fullwidth brackets", "＜script＞alert('{m}')＜/script＞"),
    ("nested tags against filters", "<scr<script>ipt>alert('{m}')</scr</script>ipt>"),
    ("markdown javascript: link", "[clic {m}](javascript:alert('{m}'))"),
    (
        "mutation XSS (math/style)",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert('{m}')>",
    ),
    ("object data", "<object data=\"javascript:alert('{m}')\"></object>"),
    ("embed src", "<embed src=\"data:text/html,<script>alert('{m}')</script>\">"),
    ("base href", "<base href=\"javascript:alert('{m}')//\">"),
    ("meta refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(\'{m}\')">'),
    ("details ontoggle", "<details open ontoggle=alert('{m}')>"),
    ("input autofocus", "<input autofocus onfocus=alert('{m}')>"),
    ("svg xlink:href", "<svg><a xlink:href=\"javascript:alert('{m}')\"><text>{m}</text></a></svg>"),
    ("comment and CDATA", "<!--{m}--><![CDATA[<script>alert('{m}')</script>]]>"),
    (
        "noscript title breakout",
        "<noscript><p title=\"</noscript><img src=x onerror=alert('{m}')>\">",
    ),
    ("bidi override and zero-width", "\u202e<img src=x onerror=alert('{m}')>\u200b\ufeff"),
    ("form action", "<form action=\"javascript:alert('{m}')\"><button>{m}</button></form>"),
    (
        "polyglot",
        "jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=alert('{m}') )//%0D%0A%0d%0a//"
        "</stYle/</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=alert('{m}')//>\\x3e",
    ),
    ("URL with a quote breakout", 'https://exemple.fr/"onmouseover="alert(\'{m}\')"'),
    ("URL with a tag", "https://exemple.fr/?q='><svg/onload=alert('{m}')>"),
    ("very long text", "<img src=x onerror=alert('{m}')>" + LONG_FILLER),
)
BY_MARKER = {p.marker: p for p in PAYLOADS}
# `xssNN=<expression>`: "xssNN=49" on a page would mean a template engine evaluated it.
TEMPLATE_RESULTS = tuple(
    f"{p.marker}=49" for p in PAYLOADS if p.text.startswith(f"{p.marker}=") and "7*7" in p.text
)
URLS = tuple(p for p in PAYLOADS if p.text.startswith("https://"))
MARKER_RE = re.compile(r"xss\d\d")


def fitting(limit: int, payloads=PAYLOADS) -> list[Payload]:
    """The payloads a field of `limit` characters accepts."""
    return [p for p in payloads if len(p.text) <= limit]


def pack(limit: int, sep: str, size: int | None = None, payloads=PAYLOADS) -> list[list[str]]:
    """The payloads a field of `limit` characters accepts, grouped so that `sep.join(group)`
    stays within `size` (default: `limit`); a payload longer than `size` is a group alone.

    One value per group stores every payload through a field in as few writes as can be.
    """
    groups: list[list[str]] = []
    for payload in fitting(limit, payloads):
        if groups and len(sep.join([*groups[-1], payload.text])) <= (size or limit):
            groups[-1].append(payload.text)
        else:
            groups.append([payload.text])
    return groups


# Checks of the corpus itself (cheap, at import: a broken corpus proves nothing).
assert len(PAYLOADS) >= 30
assert all(p.marker in p.text for p in PAYLOADS)
assert all("\n" not in p.text and "\r" not in p.text and "\x00" not in p.text for p in PAYLOADS)
assert all(p.text == p.text.strip() for p in PAYLOADS)
assert "xss49" not in BY_MARKER and len(TEMPLATE_RESULTS) >= 3
