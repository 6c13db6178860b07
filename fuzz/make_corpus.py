#!/usr/bin/env python3
"""Writes the seed corpora fuzz/corpus/<target>/ from the unit tests' own
inputs (tests/wire, tests/proxy, tests/fingerprint, tests/config,
tests/report, tests/admin). Run it after changing an input format; the
output is checked in. Usage: fuzz/make_corpus.py"""

import json
import os
import re
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def be16(v): return struct.pack(">H", v)
def be32(v): return struct.pack(">I", v)
def cstr(s): return s.encode() + b"\0" if isinstance(s, str) else s + b"\0"
def msg(t, body): return t.encode() + be32(len(body) + 4) + body


# Message bodies, as tests/wire/wire_builders.hpp builds them.
def query_b(sql): return cstr(sql)
def parse_b(name, sql): return cstr(name) + cstr(sql) + be16(0)
def bind_b(portal, stmt, params, binary=False):
    body = cstr(portal) + cstr(stmt) + (be16(1) + be16(1) if binary else be16(0)) + be16(len(params))
    for p in params:
        body += be32(0xFFFFFFFF) if p is None else be32(len(p)) + p
    return body + be16(0)
def execute_b(portal, max_rows=0): return cstr(portal) + be32(max_rows)
def close_b(what, name): return what.encode() + cstr(name)
def data_row_b(cells):
    body = be16(len(cells))
    for c in cells:
        body += be32(0xFFFFFFFF) if c is None else be32(len(c)) + c
    return body
def cc_b(tag): return cstr(tag)
def error_b(state): return b"SERROR\0C" + cstr(state) + b"Mboom\0\0"


# Conversations from tests/proxy/statement_tracker_test.cpp: (from_server, type, body).
C, S = False, True
CONVERSATIONS = {
    "simple_rows": [(C, "Q", query_b("SELECT id FROM t")), (S, "T", be16(1)), (S, "D", data_row_b([b"1"])),
                    (S, "D", data_row_b([b"2"])), (S, "C", cc_b("SELECT 2")), (S, "Z", b"I")],
    "multi_statement": [(C, "Q", query_b("SELECT 1; SELECT 2")), (S, "C", cc_b("SELECT 1")),
                        (S, "C", cc_b("SELECT 1")), (S, "Z", b"I")],
    "extended": [(C, "P", parse_b("s1", "SELECT $1")), (C, "B", bind_b("", "s1", [b"42", None])),
                 (C, "E", execute_b("")), (C, "S", b""), (S, "1", b""), (S, "2", b""),
                 (S, "D", data_row_b([b"42"])), (S, "C", cc_b("SELECT 1")), (S, "Z", b"I")],
    "pipelined_binary": [(C, "P", parse_b("", "INSERT INTO t VALUES ($1)")),
                         (C, "B", bind_b("", "", [b"\0\0\0\1"], True)), (C, "E", execute_b("")),
                         (C, "B", bind_b("", "", [b"\0\0\0\2"], True)), (C, "E", execute_b("")), (C, "S", b""),
                         (S, "1", b""), (S, "2", b""), (S, "C", cc_b("INSERT 0 1")), (S, "2", b""),
                         (S, "C", cc_b("INSERT 0 1")), (S, "Z", b"I")],
    "suspended": [(C, "B", bind_b("p", "", [])), (C, "E", execute_b("p", 1)), (C, "E", execute_b("p", 1)),
                  (C, "S", b""), (S, "D", data_row_b([b"a"])), (S, "s", b""), (S, "D", data_row_b([b"b"])),
                  (S, "s", b""), (S, "Z", b"T"), (C, "C", close_b("P", "p")), (C, "S", b""), (S, "Z", b"I")],
    "error_skips": [(C, "P", parse_b("", "SELECT 1/0")), (C, "B", bind_b("", "", [])), (C, "E", execute_b("")),
                    (C, "E", execute_b("")), (C, "S", b""), (S, "E", error_b("22012")), (S, "Z", b"I")],
    "transaction": [(C, "Q", query_b("BEGIN")), (S, "C", cc_b("BEGIN")), (S, "Z", b"T"),
                    (C, "Q", query_b("ROLLBACK TO SAVEPOINT a")), (S, "C", cc_b("ROLLBACK")), (S, "Z", b"T"),
                    (C, "Q", query_b("COMMIT")), (S, "C", cc_b("COMMIT")), (S, "Z", b"I")],
    "deallocate": [(C, "P", parse_b("s1", "SELECT 1")), (C, "Q", query_b("DEALLOCATE s1")),
                   (S, "C", cc_b("DEALLOCATE")), (S, "Z", b"I"), (C, "Q", query_b("DISCARD ALL")),
                   (S, "C", cc_b("DISCARD ALL")), (S, "Z", b"I"), (C, "Q", query_b("")), (S, "I", b""),
                   (S, "Z", b"I")],
}

SQL = [
    'SELECT "auth_user"."id" FROM "auth_user" WHERE "auth_user"."id" = 42 LIMIT 21',
    'SELECT "blog_comment"."id" FROM "blog_comment" WHERE "blog_comment"."post_id" IN (1, 2, 3)',
    "INSERT INTO users (name, fullname) VALUES ('a', E'b\\'c') RETURNING users.id",
    "UPDATE orders SET total=12.5, status='paid' WHERE id=7",
    "DELETE FROM sessions WHERE updated_at < '2024-01-01'::timestamptz",
    "SELECT * FROM accounts WHERE balance < -5 AND x = $1 AND y = $$dollar$$",
    "SELECT users.id FROM users WHERE users.created > now() - interval '1 day'",
    "SELECT U&'\\0041', B'101', X'ff', 1e10, 3000000000, N'n' FROM t",
    "/* controller='orders',action='index' */ SELECT 1; SELECT 'a;b' -- trailing",
    "CREATE TABLE t (v varchar(20)); BEGIN; SET search_path = public; COMMIT",
    "PREPARE q AS SELECT $1::int; EXECUTE q(1); DEALLOCATE q",
    "SELECT 1 /*traceparent='00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'*/",
]

COMMENTS = [
    "/* controller='orders', action='index' */ SELECT 1",
    "SELECT 1 /*na%20me='it\\'s',empty=''*/",
    "SELECT 1 /*traceparent='00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',route='%2Fusers'*/",
    "SELECT 1 -- note\n/*a='1'*/",
    "SELECT /* pgsleuth:ignore=n_plus_one,duplicate_query */ 1",
    "SELECT 1 -- pgsleuth:ignore",
    "SELECT 'pgsleuth:ignore', $t$ /*a='1'*/ $t$, E'\\'' /*b='2'*/",
]

EDGES = [
    "SELECT 1 /*traceparent='00-ab-cd-01'*/", "/*controller='books'*/ SELECT 1",
    "-- app\nSELECT 1 /* a /* nested */ b */  ", "SELECT /* inner */ 1", "/* only a comment */",
    "SELECT 1 /* unterminated", "SELECT 2 */", " \t\n",
]

CONFIGS = [
    "[proxy]\nlisen = \"x:1\"\n", "[nplusone]\nmin_repeats = 5\n", "proxy = 5\n",
    "[n_plus_one]\nmin_repeats = 5.0\n", "[log]\nlevel = \"a\\nb\"\n",
    "[proxy]\nupstream = \"[::1]:5433\"\nlisten = \"127.0.0.1:70000\"\n",
    "[suppress]\nfingerprints = [\"0123456789abcdef\", \"XYZ\"]\ntables = [\"audit.log\"]\nroutes = [1]\n",
    "[admin]\nlisten = \"\"\n[fingerprint]\ncache_bytes = 0\n[unbounded_select]\nmin_rows = 5000000000\n",
    "[proxy\nlisten = 1\n",
]


def finding(kind, severity, count, request_id, route, fingerprint="0123456789abcdef"):
    o = {"ts": "2024-05-01T12:00:00.000Z", "kind": kind, "severity": severity, "fingerprint": fingerprint,
         "normalized": "SELECT * FROM users WHERE id = $1", "sample_sql": "SELECT * FROM users WHERE id = 7",
         "sample_params": None, "count": count, "request_id": request_id, "request_source": "traceparent",
         "route": route, "tables": ["users"], "message": "m", "suggestion": "s"}
    return json.dumps(o, separators=(",", ":"))


def summary(request_id, route, statements):
    return json.dumps({"ts": "2024-05-01T12:00:00.000Z", "kind": "request_summary", "request_id": request_id,
                       "request_source": "idle_gap", "route": route, "count": statements, "db_time_ms": 1.5,
                       "rows": 10, "distinct_fingerprints": 2}, separators=(",", ":"))


FINDINGS = {
    "mixed": "\n".join([finding("n_plus_one", "high", 12, "r1", "users#show"),
                        finding("duplicate_query", "medium", 2, "r1", None),
                        finding("query_budget_exceeded", "critical", 80, "r2", "<b>&'\""),
                        summary("r1", "users#show", 14), summary("r3", None, 3), ""]),
    "bad_lines": "\n".join(["", "not json", "[1]", '{"kind":"nope","count":1}', '{"kind":"slow_query"}',
                            finding("slow_query", "urgent", 1, "r", None), finding("select_star", "low", -1, "r", None)]),
}

HTTP = [
    b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
    b"GET /findings?limit=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /requests HTTP/1.0\r\n\r\n",
    b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /nope HTTP/1.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    b"\x16\x03\x01garbage\r\n\r\n",
]


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def main():
    shutil.rmtree(os.path.join(HERE, "corpus"), ignore_errors=True)
    for name, conv in CONVERSATIONS.items():
        frames = {C: b"", S: b""}
        records = b""
        for from_server, t, body in conv:
            frames[from_server] += msg(t, body)
            records += bytes([int(from_server) | (1 << 1)]) + t.encode() + be16(len(body)) + body
        write("statement_tracker", name, records)
        write("frame_decoder", name + "_client", b"\x00\x35" + frames[C])
        write("frame_decoder", name + "_server", b"\x01\x53" + frames[S])
        for i, (_, t, body) in enumerate(conv):
            if body:
                write("messages", f"{name}_{i}_{t}", bytes([(32 << 1) | (i & 1)]) + body)
    write("frame_decoder", "bad_type", b"\x00\x00" + msg("Q", query_b("SELECT 1")) + b"\xff\0\0\0\4")
    write("frame_decoder", "bad_length", b"\x01\x00" + b"Z\0\0\0\7III")

    params = cstr("user") + cstr("app") + cstr("database") + cstr("app") + cstr("application_name") + cstr("psql") + b"\0"
    write("startup_packet", "startup", be32(len(params) + 8) + be32(3 << 16) + params)
    write("startup_packet", "ssl", be32(8) + be32(80877103))
    write("startup_packet", "gssenc", be32(8) + be32(80877104))
    write("startup_packet", "cancel", be32(16) + be32(80877102) + be32(4242) + b"key!")
    write("startup_packet", "cancel_long_key", be32(44) + be32(80877102) + be32(4242) + b"k" * 32)
    write("startup_packet", "version_2", be32(9) + be32(2 << 16) + b"\0")
    write("startup_packet", "unterminated", be32(16) + be32(3 << 16) + b"user\0app")

    for i, sql in enumerate(SQL):
        write("sql_lexer", f"sql_{i}", sql)
        write("fingerprinter", f"sql_{i}", sql)
    # Several queries through one cache: same shape, other literals, then others.
    write("fingerprinter", "repeats", "\0".join([SQL[0], SQL[0].replace("42", "7"), SQL[1], SQL[1].replace("3", "4, 5")]))
    for i, text in enumerate(COMMENTS):
        write("sqlcommenter", f"comment_{i}", text)
    for i, text in enumerate(EDGES):
        write("edge_comments", f"edge_{i}", text)

    with open(os.path.join(ROOT, "config", "pgsleuth.example.toml"), "rb") as f:
        write("config_loader", "example", f.read())
    for i, text in enumerate(CONFIGS):
        write("config_loader", f"config_{i}", text)
    for name, text in FINDINGS.items():
        write("findings_reader", name, text)
    for i, data in enumerate(HTTP):
        write("admin_http", f"http_{i}", data)


if __name__ == "__main__":
    main()
