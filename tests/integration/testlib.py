"""testlib.py: what the Python helpers of the integration tests share, as
lib.sh for the shell tests: the mconsole wire format (UML's, as
kernel/include/glass/mconsole.h defines it) and the "ok: ..." and
"FAIL: ..." lines the tests print."""
import struct
import sys

MAGIC = 0xcafebabe
VERSION = 2
MAX_DATA = 512
# A request is magic, version, len, then MAX_DATA bytes of text; a reply
# packet is err, more, len, then len bytes (the text and its NUL); a
# notification is magic, version, type, len, then len bytes.
HEADER = struct.Struct("=III")
NOTIFY_HEADER = struct.Struct("=IIII")


def request(text, magic=MAGIC, version=VERSION, length=None):
    """A request datagram for text; magic, version and length can be made
    wrong on purpose."""
    d = text.encode()
    n = len(d) if length is None else length
    return HEADER.pack(magic, version, n) + d.ljust(MAX_DATA, b"\0")


def parse_request(data):
    """(magic, version, text) of a request datagram."""
    magic, version, n = HEADER.unpack(data[:HEADER.size])
    return magic, version, data[HEADER.size:HEADER.size + n].decode()


def reply_packet(data, err=0, more=0):
    """One reply packet carrying the bytes data."""
    return HEADER.pack(err, more, len(data) + 1) + data + b"\0"


def parse_reply(data):
    """(err, more, len, body) of a reply packet: len as the header says,
    body all that follows the header."""
    err, more, n = HEADER.unpack(data[:HEADER.size])
    return err, more, n, data[HEADER.size:]


def parse_notify(data):
    """(magic, version, type, len, data) of a notification."""
    magic, version, typ, n = NOTIFY_HEADER.unpack(data[:NOTIFY_HEADER.size])
    return magic, version, typ, n, data[NOTIFY_HEADER.size:NOTIFY_HEADER.size + n]


failures = 0
failed_checks = []


def ok(msg):
    print("ok: " + msg, flush=True)


def fail(msg):
    """Print a FAIL line and count it; finish() exits 1 if any."""
    global failures
    failures += 1
    failed_checks.append(" ".join(msg.split())[:300])
    print("FAIL: " + msg, flush=True)


def finish():
    # Again at the end, where a log's tail (make check's) shows them.
    for msg in failed_checks:
        print("failed: " + msg, flush=True)
    sys.exit(1 if failures else 0)
