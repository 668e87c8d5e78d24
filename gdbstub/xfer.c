/*
 * qXfer:OBJECT:read:ANNEX:OFF,LEN for the target description, the thread
 * list, the library list and the executable's path. Each document is regenerated on every read
 * and written through a window that keeps only [OFF, OFF + LEN), so no
 * document is ever held whole and nothing is cached between reads (the
 * kernel is stopped, so consecutive reads see the same text). Pure code.
 */
#include "internal.h"

void gdb_xml_put(struct gdb_xml *w, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++, w->pos++)
		if (w->pos >= w->off && w->pos - w->off < w->len)
			w->buf[w->pos - w->off] = s[i];
}

void gdb_xml_puts(struct gdb_xml *w, const char *s)
{
	gdb_xml_put(w, s, gdb_strlen(s));
}

void gdb_xml_put_escaped(struct gdb_xml *w, const char *s, size_t max)
{
	for (size_t i = 0; i < max && s[i]; i++) {
		switch (s[i]) {
		case '&':
			gdb_xml_puts(w, "&amp;");
			break;
		case '<':
			gdb_xml_puts(w, "&lt;");
			break;
		case '>':
			gdb_xml_puts(w, "&gt;");
			break;
		case '"':
			gdb_xml_puts(w, "&quot;");
			break;
		case '\'':
			gdb_xml_puts(w, "&apos;");
			break;
		default:
			/* Control characters are not allowed in XML 1.0. */
			gdb_xml_put(w, (u8)s[i] < 0x20 ? "?" : &s[i], 1);
			break;
		}
	}
}

void gdb_xml_put_hex(struct gdb_xml *w, u64 v, bool prefix)
{
	char d[16];
	int n = 0;

	if (prefix)
		gdb_xml_puts(w, "0x");
	do {
		d[15 - n++] = gdb_hex_chars[v & 15];
		v >>= 4;
	} while (v);
	gdb_xml_put(w, d + 16 - n, n);
}

void gdb_xml_put_dec(struct gdb_xml *w, unsigned long v)
{
	char d[20];
	int n = 0;

	do {
		d[19 - n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	gdb_xml_put(w, d + 20 - n, n);
}

/*
 * <library-list><library name="PATH"><segment address="0x..."/></library>
 * for a host library, <section address="0x..."/> per section for a
 * module. Returns 0, or -EINVAL for an entry gdb would misplace (no
 * address, a zero section address).
 */
int gdb_write_libraries_xml(struct gdb_state *st, struct gdb_xml *w)
{
	struct gdb_library lib;

	gdb_xml_puts(w, "<?xml version=\"1.0\"?>\n<library-list version=\"1.0\">\n");
	for (unsigned i = 0; st->ops->library_at(st->target, i, &lib) == 0; i++) {
		if (!lib.path || (!lib.segment && !lib.nr_sections))
			return -EINVAL;
		gdb_xml_puts(w, "<library name=\"");
		gdb_xml_put_escaped(w, lib.path, (size_t)-1);
		gdb_xml_puts(w, "\">");
		if (lib.segment) {
			gdb_xml_puts(w, "<segment address=\"");
			gdb_xml_put_hex(w, lib.segment, true);
			gdb_xml_puts(w, "\"/>");
		} else {
			for (unsigned s = 0; s < lib.nr_sections; s++) {
				if (!lib.sections[s])
					return -EINVAL;
				gdb_xml_puts(w, "<section address=\"");
				gdb_xml_put_hex(w, lib.sections[s], true);
				gdb_xml_puts(w, "\"/>");
			}
		}
		gdb_xml_puts(w, "</library>\n");
	}
	gdb_xml_puts(w, "</library-list>\n");
	return 0;
}

enum xfer_object { XFER_FEATURES, XFER_THREADS, XFER_LIBRARIES, XFER_EXEC_FILE };

static bool annex_is(const struct gdb_args *a, const char *s)
{
	size_t n = gdb_strlen(s);

	if (a->annex_len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (a->annex[i] != s[i])
			return false;
	return true;
}

/*
 * Write the window [off, off + len) of the object into scratch, then
 * reply 'm' (more follows) or 'l' (last) with it binary-escaped, taking
 * only as much as fits one reply.
 */
static int xfer_read(struct gdb_state *st, const struct gdb_args *a, enum xfer_object obj)
{
	struct gdb_xml w = {
		.buf = st->scratch,
		.off = a->num[0],
		.len = min_t(u64, a->num[1], sizeof(st->scratch)),
	};
	size_t have, taken, out;
	int err = 0;

	if (!w.len)
		return -EINVAL;
	switch (obj) {
	case XFER_FEATURES:
		gdb_write_target_xml(&w);
		break;
	case XFER_THREADS:
		gdb_write_threads_xml(st, &w);
		break;
	case XFER_LIBRARIES:
		err = gdb_write_libraries_xml(st, &w);
		break;
	case XFER_EXEC_FILE:            /* a plain path, not XML */
		gdb_xml_puts(&w, st->ops->exec_file(st->target));
		break;
	}
	if (err)
		return err;
	have = w.pos > w.off ? min_t(u64, w.pos - w.off, w.len) : 0;
	out = gdb_escape((u8 *)st->reply + 1, GDB_REPLY_MAX - 1, st->scratch, have, &taken);
	st->reply[0] = w.off + taken < w.pos ? 'm' : 'l';
	st->reply_len = 1 + out;
	return 0;
}

int gdb_cmd_xfer_features(struct gdb_state *st, const struct gdb_args *a)
{
	if (!annex_is(a, "target.xml"))
		return -ENOENT;
	return xfer_read(st, a, XFER_FEATURES);
}

int gdb_cmd_xfer_threads(struct gdb_state *st, const struct gdb_args *a)
{
	if (a->annex_len)
		return -ENOENT;
	return xfer_read(st, a, XFER_THREADS);
}

int gdb_cmd_xfer_libraries(struct gdb_state *st, const struct gdb_args *a)
{
	if (!st->ops->library_at)
		return 0;
	if (a->annex_len)
		return -ENOENT;
	return xfer_read(st, a, XFER_LIBRARIES);
}

/* The annex is the process (hex pid) in multiprocess mode, which this stub
 * does not offer: there is one executable, whatever it names. */
int gdb_cmd_xfer_exec_file(struct gdb_state *st, const struct gdb_args *a)
{
	if (!st->ops->exec_file)
		return 0;
	return xfer_read(st, a, XFER_EXEC_FILE);
}
