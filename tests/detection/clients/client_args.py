"""What every detection client shares: its command line and the library data.

Usage of a client: SCRIPT MODE DIRECT_PORT PROXY_PORT APPLICATION_NAME
The direct port (PostgreSQL itself) is for setup, so that only the workload
under test goes through pgsleuth."""
import secrets
import sys
from urllib.parse import quote

AUTHORS = 10  # one author per book: every lazy load has other parameters


def parse(modes):
    if len(sys.argv) != 5 or sys.argv[1] not in modes:
        sys.exit(f"usage: {sys.argv[0]} {{{'|'.join(modes)}}} DIRECT_PORT PROXY_PORT APPLICATION_NAME")
    return sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]


def traceparent_comment(trace_id=None, **tags):
    """A sqlcommenter comment with a new (or the given) W3C trace id, a new
    span id, and `tags` (route=..., controller=..., action=...) URL-encoded."""
    trace_id = trace_id or secrets.token_hex(16)
    pairs = [f"{key}='{quote(value, safe='')}'" for key, value in tags.items()]
    pairs.append(f"traceparent='00-{trace_id}-{secrets.token_hex(8)}-01'")
    return "/*" + ",".join(pairs) + "*/"
