/*
 * gdbstub/commands.c and the handlers (regs, memory, resume, threads,
 * xfer) against the fake kernel of gdb_fakes.c: gdb 13's connect
 * sequence, every packet's reply, error replies for bad addresses and
 * arguments, acks and no-ack mode, break-in and stop replies.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdb_fakes.h"

static struct fake_target ft;
static struct gdb_state st;

static void setup(void)
{
	fake_init(&ft);
	gdb_init(&st, &fake_ops, &ft, fake_put, &ft);
}

/* Frame data[0..len) with a correct checksum and hand it to the stub. */
static void send_bin(const char *data, size_t len)
{
	static u8 frame[2 * GDB_PACKET_SIZE];
	size_t n = gdb_frame(frame, sizeof(frame), data, len);

	ck_assert_uint_gt(n, 0);
	gdb_input(&st, frame, n);
}

static void send_pkt(const char *data)
{
	send_bin(data, strlen(data));
}

/* What the stub sent since the last clear: acks, then packets. */
#define MAX_PKTS 64
static struct {
	char acks[64];
	int n;
	char *pkt[MAX_PKTS];
	size_t len[MAX_PKTS];
} out;

static void clear_out(void)
{
	for (int i = 0; i < out.n; i++)
		free(out.pkt[i]);
	memset(&out, 0, sizeof(out));
	ft.out_len = 0;
	ft.out[0] = '\0';
}

/* Split ft.out into acks and packets, checking every checksum. */
static void parse_out(void)
{
	size_t i = 0, na = 0;

	while (i < ft.out_len) {
		char c = ft.out[i];

		if (c == '+' || c == '-') {
			out.acks[na++] = c;
			i++;
			continue;
		}
		ck_assert_msg(c == '$', "stray byte 0x%02x in output", (u8)c);
		const char *start = ft.out + i + 1;
		const char *hash = memchr(start, '#', ft.out_len - i - 1);
		unsigned cs;

		ck_assert_ptr_nonnull(hash);
		ck_assert_uint_ge(ft.out + ft.out_len - hash, 3);
		ck_assert_int_eq(sscanf(hash + 1, "%2x", &cs), 1);
		ck_assert_uint_eq(cs, gdb_checksum(start, hash - start));
		ck_assert_int_lt(out.n, MAX_PKTS);
		out.len[out.n] = hash - start;
		out.pkt[out.n] = malloc(out.len[out.n] + 1);
		memcpy(out.pkt[out.n], start, out.len[out.n]);
		out.pkt[out.n][out.len[out.n]] = '\0';
		out.n++;
		i = hash + 3 - ft.out;
	}
}

/* Send one packet; expect the ack (unless no-ack) and exactly one reply. */
static const char *rpc_bin(const char *data, size_t len)
{
	clear_out();
	send_bin(data, len);
	parse_out();
	ck_assert_str_eq(out.acks, st.no_ack ? "" : "+");
	ck_assert_msg(out.n == 1, "%d replies to %s", out.n, data);
	return out.pkt[0];
}

static const char *rpc(const char *data)
{
	return rpc_bin(data, strlen(data));
}

/* Send a packet that gets no reply (resume, kill). */
static void no_reply(const char *data)
{
	clear_out();
	send_pkt(data);
	parse_out();
	ck_assert_str_eq(out.acks, st.no_ack ? "" : "+");
	ck_assert_int_eq(out.n, 0);
}

static void no_ack(void)
{
	/* The request is still acked; from the reply on, nothing is. */
	clear_out();
	send_pkt("QStartNoAckMode");
	parse_out();
	ck_assert_str_eq(out.acks, "+");
	ck_assert_int_eq(out.n, 1);
	ck_assert_str_eq(out.pkt[0], "OK");
	ck_assert(st.no_ack);
	gdb_input(&st, "+", 1);          /* gdb acks the OK once */
}

static char *hex_of(const char *s)
{
	static char buf[1024];

	for (size_t i = 0; s[i]; i++)
		sprintf(buf + 2 * i, "%02x", (u8)s[i]);
	buf[2 * strlen(s)] = '\0';
	return buf;
}

/* Read a whole qXfer object in pieces of len into a malloc'd string. */
static char *xfer_all(const char *prefix, size_t len)
{
	size_t cap = 1 << 20, have = 0;
	char *doc = malloc(cap), req[256];

	for (;;) {
		const char *r;
		long n;

		snprintf(req, sizeof(req), "%s%zx,%zx", prefix, have, len);
		r = rpc(req);
		ck_assert_msg(r[0] == 'm' || r[0] == 'l', "xfer reply %.20s", r);
		n = gdb_unescape((u8 *)doc + have, cap - have, r + 1, out.len[0] - 1);
		ck_assert_int_ge(n, 0);
		ck_assert_uint_le(n, len);
		have += n;
		if (r[0] == 'l')
			break;
		ck_assert_int_gt(n, 0);
	}
	doc[have] = '\0';
	return doc;
}

/* ---- the session gdb 13 opens with ---- */

START_TEST(connect_sequence)
{
	const char *r;
	char *doc;

	r = rpc("qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+;"
		"vfork-events+;exec-events+;vContSupported+;QThreadEvents+;no-resumed+;"
		"memory-tagging+;xmlRegisters=i386");
	ck_assert_str_eq(r, "PacketSize=4000;QStartNoAckMode+;qXfer:features:read+;"
			 "qXfer:threads:read+;qXfer:libraries:read+;qXfer:exec-file:read+;"
			 "swbreak+;hwbreak+;vContSupported+");
	ck_assert_str_eq(rpc("vMustReplyEmpty"), "");
	no_ack();
	ck_assert_str_eq(rpc("Hg0"), "OK");
	r = rpc("qXfer:features:read:target.xml:0,ffb");
	ck_assert(r[0] == 'm' || r[0] == 'l');
	ck_assert(strncmp(r + 1, "<?xml", 5) == 0);
	ck_assert_str_eq(rpc("qTStatus"), "");
	ck_assert_str_eq(rpc("?"), "T05thread:1;");
	ck_assert_str_eq(rpc("qfThreadInfo"), "m1,2,5");
	ck_assert_str_eq(rpc("qsThreadInfo"), "l");
	ck_assert_str_eq(rpc("qAttached"), "1");
	ck_assert_str_eq(rpc("qAttached:1"), "1");
	ck_assert_str_eq(rpc("Hc-1"), "OK");
	ck_assert_str_eq(rpc("qOffsets"), "");
	ck_assert_uint_eq(strlen(rpc("g")), 2 * GDB_G_BYTES);
	doc = xfer_all("qXfer:libraries:read::", 0xffb);
	ck_assert_ptr_nonnull(strstr(doc, "<library name=\"/lib/x86_64-linux-gnu/libc.so.6\">"
				     "<segment address=\"0x7ffff7c00000\"/></library>"));
	free(doc);
	ck_assert_str_eq(rpc("qSymbol::"), "OK");
}
END_TEST

/* ---- acks, no-ack, framing errors, chunking ---- */

START_TEST(ack_mode)
{
	char frame[] = "$g#68";                 /* bad checksum */

	clear_out();
	gdb_input(&st, frame, 5);
	ck_assert_str_eq(ft.out, "-");
	/* gdb's '-' after a reply: the same packet again. */
	rpc("qC");
	clear_out();
	gdb_input(&st, "-", 1);
	ck_assert_str_eq(ft.out, "$QC1#c5");
	/* gdb's '+' needs nothing. */
	clear_out();
	gdb_input(&st, "+", 1);
	ck_assert_uint_eq(ft.out_len, 0);
}
END_TEST

START_TEST(no_ack_mode)
{
	no_ack();
	ck_assert_str_eq(rpc("qC"), "QC1");
	/* A '-' is ignored: nothing is resent. */
	clear_out();
	gdb_input(&st, "-", 1);
	ck_assert_uint_eq(ft.out_len, 0);
	/* A bad checksum cannot be resent: it fails with an error reply. */
	clear_out();
	gdb_input(&st, "$g#00", 5);
	ck_assert_str_eq(ft.out, "$E05#aa");
	/* A new connection starts in ack mode again. */
	gdb_connect(&st);
	ck_assert(!st.no_ack);
	ck_assert_str_eq(rpc("qC"), "QC1");
}
END_TEST

START_TEST(overlong_packet)
{
	static char big[GDB_RX_MAX + 100];

	memset(big, '0', sizeof(big) - 1);
	memcpy(big, "M400000,2000:", 13);
	ck_assert_str_eq(rpc(big), "E07");
	/* The stub goes on normally. */
	ck_assert_str_eq(rpc("qC"), "QC1");
	/* The largest packet gdb may send is accepted. */
	big[GDB_RX_MAX] = '\0';
	memcpy(big, "X400000,0:", 10);
	ck_assert_str_eq(rpc(big), "E16");     /* too much data for len 0 */
}
END_TEST

START_TEST(garbage_and_truncation)
{
	clear_out();
	gdb_input(&st, "garbage\r\n#00", 12);
	gdb_input(&st, "$m4000", 6);        /* truncated: gdb restarts */
	send_pkt("qC");
	parse_out();
	ck_assert_int_eq(out.n, 1);
	ck_assert_str_eq(out.pkt[0], "QC1");
	ck_assert_str_eq(out.acks, "+");
}
END_TEST

/* The same byte stream in any chunking gives the same output. */
START_TEST(any_chunking)
{
	static char stream[4096], whole[65536];
	size_t len = 0, whole_len;
	const char *pkts[] = { "qSupported:xmlRegisters=i386", "QStartNoAckMode", "+",
			       "Hg0", "g", "m400000,40", "X400000,4:}\x03}\x04}]}\x0a", "p10",
			       "qXfer:threads:read::0,20" };

	for (size_t i = 0; i < sizeof(pkts) / sizeof(pkts[0]); i++) {
		if (!strcmp(pkts[i], "+")) {
			stream[len++] = '+';
			continue;
		}
		len += gdb_frame((u8 *)stream + len, sizeof(stream) - len, pkts[i], strlen(pkts[i]));
	}
	for (size_t chunk = 1; chunk <= len; chunk++) {
		setup();
		for (size_t i = 0; i < len; i += chunk)
			gdb_input(&st, stream + i, len - i < chunk ? len - i : chunk);
		if (chunk == 1) {
			memcpy(whole, ft.out, ft.out_len);
			whole_len = ft.out_len;
			ck_assert_uint_gt(whole_len, 0);
		} else {
			ck_assert_uint_eq(ft.out_len, whole_len);
			ck_assert_int_eq(memcmp(ft.out, whole, whole_len), 0);
		}
	}
	ck_assert(memcmp(ft.mem, "#$}*", 4) == 0);
}
END_TEST

/* ---- break-in and stops ---- */

START_TEST(break_in)
{
	struct gdb_stop stop = { .kind = GDB_STOP_SIGNAL, .sig = GDB_SIGINT };

	no_ack();
	/* Stopped already: a ^C does nothing. */
	clear_out();
	gdb_input(&st, "\x03", 1);
	ck_assert_int_eq(ft.stops, 0);
	no_reply("c");
	ck_assert(st.running);
	ck_assert_int_eq(ft.resumes, 1);
	ck_assert_int_eq(ft.how, GDB_RESUME_CONTINUE);
	gdb_input(&st, "\x03", 1);
	ck_assert_int_eq(ft.stops, 1);
	ck_assert_uint_eq(ft.out_len, 0);
	/* The kernel parks and says so: one stop reply. */
	gdb_stopped(&st, &stop);
	ck_assert_str_eq(ft.out, "$T02thread:1;#d4");
	ck_assert(!st.running);
	ck_assert_str_eq(rpc("?"), "T02thread:1;");
}
END_TEST

START_TEST(stop_replies)
{
	struct gdb_stop s;

	no_ack();
#define STOP(kind_, sig_, tid_, addr_, want)                                     \
	do {                                                                   \
		no_reply("c");                                                 \
		clear_out();                                                   \
		s = (struct gdb_stop){ .kind = kind_, .sig = sig_, .tid = tid_, .addr = addr_ }; \
		gdb_stopped(&st, &s);                                          \
		parse_out();                                                   \
		ck_assert_int_eq(out.n, 1);                                    \
		ck_assert_str_eq(out.pkt[0], want);                            \
	} while (0)
	STOP(GDB_STOP_SIGNAL, GDB_SIGTRAP, 0, 0, "T05thread:1;");
	STOP(GDB_STOP_SWBREAK, GDB_SIGTRAP, 2, 0, "T05swbreak:;thread:2;");
	STOP(GDB_STOP_HWBREAK, GDB_SIGTRAP, 1, 0, "T05hwbreak:;thread:1;");
	STOP(GDB_STOP_WATCH, GDB_SIGTRAP, 1, 0x400010, "T05watch:400010;thread:1;");
	STOP(GDB_STOP_RWATCH, GDB_SIGTRAP, 1, 0x10, "T05rwatch:10;thread:1;");
	STOP(GDB_STOP_AWATCH, GDB_SIGTRAP, 1, 0, "T05awatch:0;thread:1;");
	STOP(GDB_STOP_LIBRARY, GDB_SIGTRAP, 5, 0, "T05library:;thread:5;");
	STOP(GDB_STOP_EXITED, 3, 0, 0, "W03");
	/* A stop nobody waits for is only recorded, for "?". */
	clear_out();
	s = (struct gdb_stop){ .kind = GDB_STOP_SWBREAK, .sig = GDB_SIGTRAP, .tid = 2 };
	gdb_stopped(&st, &s);
	ck_assert_uint_eq(ft.out_len, 0);
	ck_assert_str_eq(rpc("?"), "T05swbreak:;thread:2;");
}
END_TEST

/* ---- registers ---- */

/* Register n's reply for the selected thread, via "p". */
static const char *preg(unsigned n)
{
	char req[16];

	snprintf(req, sizeof(req), "p%x", n);
	return rpc(req);
}

START_TEST(registers_g)
{
	const char *g;
	char want[64];

	no_ack();
	g = rpc("g");
	ck_assert_uint_eq(strlen(g), 2 * GDB_G_BYTES);
	/* rax of thread 1: 0x0000000111111111, little-endian. */
	ck_assert(strncmp(g, "1111111101000000", 16) == 0);
	/* rip at byte 128; eflags at 136; cs at 140. */
	snprintf(want, sizeof(want), "%02x%02x%02x0000000000", 0x00, 0x01, 0x40);
	ck_assert(strncmp(g + 2 * 128, want, 16) == 0);
	ck_assert(strncmp(g + 2 * 136, "46020000", 8) == 0);
	ck_assert(strncmp(g + 2 * 140, "33000000", 8) == 0);
	/* fs_base, the last but one register, at byte 536. */
	ck_assert(strncmp(g + 2 * 536, "40a7d8f7ff7f0000", 16) == 0);

	/* A sleeping thread: unknown registers are "xx". */
	ck_assert_str_eq(rpc("Hg2"), "OK");
	g = rpc("g");
	ck_assert_uint_eq(strlen(g), 2 * GDB_G_BYTES);
	ck_assert(strncmp(g, "xxxxxxxxxxxxxxxx", 16) == 0);                 /* rax */
	ck_assert(strncmp(g + 16, "2222222202000000", 16) == 0);             /* rbx */
	ck_assert(strncmp(g + 2 * 128, "0002400000000000", 16) == 0);        /* rip */
	ck_assert(strncmp(g + 2 * 136, "xxxxxxxx", 8) == 0);                 /* eflags */
	ck_assert_uint_eq(ft.regs_tid, 2);
	/* Hg0: back to the current thread. */
	ck_assert_str_eq(rpc("Hg0"), "OK");
	rpc("g");
	ck_assert_uint_eq(ft.regs_tid, 1);
	/* No such thread. */
	ck_assert_str_eq(rpc("Hg7"), "E03");
	ck_assert_str_eq(rpc("Hgzz"), "E16");
}
END_TEST

START_TEST(registers_layout)
{
	unsigned total = 0;

	for (unsigned n = 0; n < GDB_NR_REGS; n++)
		total += gdb_reg_size(n);
	ck_assert_uint_eq(total, GDB_G_BYTES);
	ck_assert_uint_eq(GDB_G_BYTES, 552);
	ck_assert_str_eq(gdb_reg_name(GDB_RIP), "rip");
	ck_assert_str_eq(gdb_reg_name(GDB_EFLAGS), "eflags");
	ck_assert_str_eq(gdb_reg_name(GDB_GS), "gs");
	ck_assert_str_eq(gdb_reg_name(GDB_ST0 + 7), "st7");
	ck_assert_str_eq(gdb_reg_name(GDB_FCTRL), "fctrl");
	ck_assert_str_eq(gdb_reg_name(GDB_FOP), "fop");
	ck_assert_str_eq(gdb_reg_name(GDB_XMM0 + 15), "xmm15");
	ck_assert_str_eq(gdb_reg_name(GDB_MXCSR), "mxcsr");
	ck_assert_str_eq(gdb_reg_name(GDB_FS_BASE), "fs_base");
	ck_assert_str_eq(gdb_reg_name(GDB_GS_BASE), "gs_base");
	ck_assert_ptr_null(gdb_reg_name(GDB_NR_REGS));
	ck_assert_uint_eq(gdb_reg_size(GDB_ST0), 10);
	ck_assert_uint_eq(gdb_reg_size(GDB_XMM0), 16);
	ck_assert_uint_eq(gdb_reg_size(GDB_NR_REGS), 0);
}
END_TEST

START_TEST(registers_p_P_G)
{
	static char g[2 * GDB_G_BYTES + 2];

	no_ack();
	ck_assert_str_eq(preg(GDB_RIP), "0001400000000000");
	ck_assert_str_eq(preg(GDB_EFLAGS), "46020000");
	ck_assert_str_eq(preg(GDB_SS), "2b000000");
	ck_assert_str_eq(preg(GDB_ST0), "0000000000000000003f");
	ck_assert_str_eq(preg(GDB_FCTRL), "7f030000");
	ck_assert_str_eq(preg(GDB_XMM0 + 15), "aa000000000000000000000000000000");
	ck_assert_str_eq(preg(GDB_MXCSR), "801f0000");
	ck_assert_str_eq(preg(GDB_GS_BASE), "0000000000000000");
	ck_assert_str_eq(rpc("p3b"), "E16");            /* 59: no such register */
	ck_assert_str_eq(rpc("p"), "E16");
	ck_assert_str_eq(rpc("p1,"), "E16");

	/* P: one register, only its valid bit set. */
	ck_assert_str_eq(rpc("P10=0010400000000000"), "OK");
	ck_assert_uint_eq(ft.written.valid, GDB_REG_BIT(GDB_RIP));
	ck_assert_uint_eq(ft.written.rip, 0x401000);
	ck_assert_str_eq(rpc("P11=02"), "E16");         /* wrong size */
	ck_assert_str_eq(rpc("P11=0200000g"), "E16");   /* not hex */
	ck_assert_str_eq(rpc("P11=xxxxxxxx"), "E16");   /* nothing to write */
	ck_assert_str_eq(rpc("P3b=00"), "E16");
	/* A sleeping thread's registers are not written. */
	ck_assert_str_eq(rpc("Hg2"), "OK");
	ck_assert_str_eq(rpc("P0=0100000000000000"), "E01");
	ck_assert_str_eq(rpc("Hg1"), "OK");

	/* G: the g reply back, with rax changed and the unknown kept out. */
	strcpy(g, rpc("g"));
	memcpy(g, "efbeadde00000000", 16);
	memcpy(g + 2 * 136, "xxxxxxxx", 8);
	g[2 * GDB_G_BYTES + 1] = '\0';
	{
		char req[2 * GDB_G_BYTES + 8] = "G";

		strcat(req, g);
		ck_assert_str_eq(rpc(req), "OK");
		ck_assert_uint_eq(ft.written.gpr[0], 0xdeadbeef);
		ck_assert_uint_eq(ft.written.valid, GDB_REGS_ALL & ~GDB_REG_BIT(GDB_EFLAGS));
		ck_assert_uint_eq(ft.written.fs_base, 0x7ffff7d8a740);
		req[strlen(req) - 2] = '\0';
		ck_assert_str_eq(rpc(req), "E16");      /* short */
		ck_assert_str_eq(rpc("G00"), "E16");
	}
}
END_TEST

/* ---- target.xml ---- */

START_TEST(target_xml)
{
	char *doc = xfer_all("qXfer:features:read:target.xml:", 0xffb);
	char *small = xfer_all("qXfer:features:read:target.xml:", 37);
	const char *p = doc;
	unsigned n = 0, bits = 0;

	no_ack();
	ck_assert_str_eq(doc, small);
	ck_assert_ptr_nonnull(strstr(doc, "<architecture>i386:x86-64</architecture>"));
	ck_assert_ptr_nonnull(strstr(doc, "<feature name=\"org.gnu.gdb.i386.core\">"));
	ck_assert_ptr_nonnull(strstr(doc, "<feature name=\"org.gnu.gdb.i386.sse\">"));
	ck_assert_ptr_nonnull(strstr(doc, "<feature name=\"org.gnu.gdb.i386.segments\">"));
	ck_assert_ptr_null(strstr(doc, "i386.linux"));
	ck_assert_ptr_null(strstr(doc, "orig_rax"));
	ck_assert_ptr_null(strstr(doc, "<osabi>"));
	/* Every register, in g order, numbered, sizes adding up to g's. */
	while ((p = strstr(p, "<reg name=\""))) {
		char name[32];
		unsigned size, regnum;

		ck_assert_int_eq(sscanf(p, "<reg name=\"%31[^\"]\" bitsize=\"%u\"", name, &size), 2);
		ck_assert_ptr_nonnull(strstr(p, "regnum=\""));
		ck_assert_int_eq(sscanf(strstr(p, "regnum=\"") + 8, "%u", &regnum), 1);
		ck_assert_str_eq(name, gdb_reg_name(n));
		ck_assert_uint_eq(size, 8 * gdb_reg_size(n));
		ck_assert_uint_eq(regnum, n);
		bits += size;
		n++;
		p++;
	}
	ck_assert_uint_eq(n, GDB_NR_REGS);
	ck_assert_uint_eq(bits, 8 * GDB_G_BYTES);
	/* Past the end: an empty last piece. */
	ck_assert_str_eq(rpc("qXfer:features:read:target.xml:100000,10"), "l");
	ck_assert_str_eq(rpc("qXfer:features:read:other.xml:0,10"), "E02");
	ck_assert_str_eq(rpc("qXfer:features:read:target.xml:0,0"), "E16");
	ck_assert_str_eq(rpc("qXfer:features:read:target.xml:0"), "E16");
	ck_assert_str_eq(rpc("qXfer:features:read:target.xml"), "E16");
	free(doc);
	free(small);
}
END_TEST

/* ---- memory ---- */

START_TEST(memory_read)
{
	char want[2 * 16 + 1];
	const char *r;

	no_ack();
	for (int i = 0; i < 16; i++)
		sprintf(want + 2 * i, "%02x", ft.mem[0x10 + i]);
	ck_assert_str_eq(rpc("m400010,10"), want);
	/* Up to the end of readable memory, then short. */
	r = rpc("m40fffe,10");
	ck_assert_uint_eq(strlen(r), 4);
	/* Unreadable: an error, never a crash. */
	ck_assert_str_eq(rpc("m0,8"), "E0e");
	ck_assert_str_eq(rpc("m410000,1"), "E0e");
	ck_assert_str_eq(rpc("mffffffffffffffff,10"), "E0e");   /* wraps */
	ck_assert_str_eq(rpc("m400000,0"), "");
	/* More than one reply holds: as much as fits, gdb asks for the rest. */
	r = rpc("m400000,ffff");
	ck_assert_uint_eq(strlen(r), GDB_REPLY_MAX);
	/* Bad arguments. */
	ck_assert_str_eq(rpc("m400000"), "E16");
	ck_assert_str_eq(rpc("m400000,"), "E16");
	ck_assert_str_eq(rpc("mzz,1"), "E16");
	ck_assert_str_eq(rpc("m400000,1x"), "E16");
	ck_assert_str_eq(rpc("m10000000000000000,1"), "E16");
}
END_TEST

START_TEST(memory_write)
{
	const char x[] = "X400100,5:a}\x03}\x04}]}\x0a";

	no_ack();
	ck_assert_str_eq(rpc("M400020,4:deadbeef"), "OK");
	ck_assert(memcmp(ft.mem + 0x20, "\xde\xad\xbe\xef", 4) == 0);
	ck_assert_str_eq(rpc("m400020,4"), "deadbeef");
	ck_assert_str_eq(rpc("M400020,4:deadbe"), "E16");
	ck_assert_str_eq(rpc("M400020,4:deadbeeg"), "E16");
	ck_assert_str_eq(rpc("M0,1:00"), "E0e");
	ck_assert_str_eq(rpc("M40ffff,2:0000"), "E0e");
	ck_assert_str_eq(rpc("M400020,0:"), "OK");
	/* X: binary with '#', '$', '}' and '*' escaped. */
	ck_assert_str_eq(rpc_bin(x, sizeof(x) - 1), "OK");
	ck_assert(memcmp(ft.mem + 0x100, "a#$}*", 5) == 0);
	/* Raw NUL and 0x03 bytes are data. */
	ck_assert_str_eq(rpc_bin("X400200,3:\0\x03\xff", 13), "OK");
	ck_assert(memcmp(ft.mem + 0x200, "\0\x03\xff", 3) == 0);
	/* gdb's probe: an empty write. */
	ck_assert_str_eq(rpc("X400000,0:"), "OK");
	ck_assert_str_eq(rpc("X0,1:a"), "E0e");
	ck_assert_str_eq(rpc("X400000,2:a"), "E16");    /* length mismatch */
	ck_assert_str_eq(rpc("X400000,1:}"), "E16");    /* dangling escape */
	ck_assert_str_eq(rpc("X400000,1"), "E16");
}
END_TEST

/* ---- breakpoints ---- */

START_TEST(breakpoints)
{
	no_ack();
	ck_assert_str_eq(rpc("Z0,400100,1"), "OK");
	ck_assert_int_eq(ft.nr_bps, 1);
	ck_assert(ft.bps[0].insert);
	ck_assert_int_eq(ft.bps[0].type, GDB_BP_SW);
	ck_assert_uint_eq(ft.bps[0].addr, 0x400100);
	ck_assert_uint_eq(ft.bps[0].kind, 1);
	ck_assert_str_eq(rpc("z0,400100,1"), "OK");
	ck_assert(!ft.bps[1].insert);
	ck_assert_str_eq(rpc("Z0,10,1"), "E0e");
	ck_assert_str_eq(rpc("Z1,400100,1"), "");      /* target: -ENOSYS */
	ck_assert_str_eq(rpc("Z2,400800,8"), "OK");
	ck_assert_int_eq(ft.bps[2].type, GDB_WP_WRITE);
	ck_assert_uint_eq(ft.bps[2].kind, 8);
	ck_assert_str_eq(rpc("Z3,400800,4"), "OK");
	ck_assert_str_eq(rpc("z4,400800,4"), "OK");
	ck_assert_int_eq(ft.bps[4].type, GDB_WP_ACCESS);
	ck_assert_str_eq(rpc("Z5,400100,1"), "E16");
	ck_assert_str_eq(rpc("Z0,400100"), "E16");
	ck_assert_str_eq(rpc("Z0,400100,1;X2,0a"), "");   /* conditions: not offered */
	/* Without the operation gdb writes int3 itself. */
	gdb_init(&st, &fake_ops_minimal, &ft, fake_put, &ft);
	ck_assert_str_eq(rpc("Z0,400100,1"), "");
}
END_TEST

/* ---- execution control ---- */

START_TEST(resume)
{
	no_ack();
	no_reply("s");
	ck_assert_int_eq(ft.how, GDB_RESUME_STEP);
	ck_assert_int_eq(ft.resume_tid, 1);
	st.running = false;
	/* c ADDR and C sig;ADDR resume elsewhere. */
	no_reply("c400300");
	ck_assert_int_eq(ft.how, GDB_RESUME_CONTINUE);
	ck_assert_uint_eq(ft.written.rip, 0x400300);
	ck_assert_uint_eq(ft.written.valid, GDB_REG_BIT(GDB_RIP));
	st.running = false;
	no_reply("C0b;400400");
	ck_assert_int_eq(ft.resume_sig, 11);
	ck_assert_uint_eq(ft.written.rip, 0x400400);
	st.running = false;
	no_reply("S05");
	ck_assert_int_eq(ft.how, GDB_RESUME_STEP);
	ck_assert_int_eq(ft.resume_sig, 5);
	st.running = false;
	ck_assert_str_eq(rpc("cxyz"), "E16");
	ck_assert_str_eq(rpc("C100"), "E16");
	ck_assert_str_eq(rpc("C05;"), "E16");
	ck_assert_str_eq(rpc("C05x"), "E16");
	/* Stepping a thread that is not running is refused. */
	ck_assert_str_eq(rpc("Hc2"), "OK");
	ck_assert_str_eq(rpc("s"), "E01");
	ck_assert(!st.running);
	ck_assert_str_eq(rpc("Hc9"), "E03");
}
END_TEST

START_TEST(vcont)
{
	no_ack();
	ck_assert_str_eq(rpc("vCont?"), "vCont;c;C;s;S;t");
	/* stepi in all-stop mode. */
	no_reply("vCont;s:1;c");
	ck_assert_int_eq(ft.how, GDB_RESUME_STEP);
	ck_assert_int_eq(ft.resume_tid, 1);
	st.running = false;
	no_reply("vCont;c");
	ck_assert_int_eq(ft.how, GDB_RESUME_CONTINUE);
	ck_assert_int_eq(ft.resume_tid, 0);
	st.running = false;
	no_reply("vCont;C02:-1");
	ck_assert_int_eq(ft.resume_sig, 2);
	st.running = false;
	no_reply("vCont;S05:1;c:-1");
	ck_assert_int_eq(ft.how, GDB_RESUME_STEP);
	ck_assert_int_eq(ft.resume_sig, 5);
	st.running = false;
	ck_assert_str_eq(rpc("vCont;s:2;c"), "E01");
	ck_assert_str_eq(rpc("vCont;t"), "OK");
	ck_assert_str_eq(rpc("vCont;"), "E16");
	ck_assert_str_eq(rpc("vCont;x"), "E16");
	ck_assert_str_eq(rpc("vCont;c;"), "E16");
	ck_assert_str_eq(rpc("vCont;c:"), "E16");
	ck_assert_str_eq(rpc("vCont;C"), "E16");
	ck_assert_str_eq(rpc("vCont;C100"), "E16");
	ck_assert_str_eq(rpc("vCont;c1"), "E16");
	ck_assert_str_eq(rpc("vCont"), "");
	ck_assert_int_eq(ft.resumes, 4);
}
END_TEST

/* ---- threads ---- */

START_TEST(threads)
{
	char *doc;

	no_ack();
	ck_assert_str_eq(rpc("T1"), "OK");
	ck_assert_str_eq(rpc("T5"), "OK");
	ck_assert_str_eq(rpc("T3"), "E03");
	ck_assert_str_eq(rpc("T0"), "E03");
	ck_assert_str_eq(rpc("T-1"), "E03");
	ck_assert_str_eq(rpc("T"), "E16");
	ck_assert_str_eq(rpc("qC"), "QC1");
	ft.current = 2;
	ck_assert_str_eq(rpc("qC"), "QC2");
	ck_assert_str_eq(rpc("qThreadExtraInfo,2"), hex_of("init (sleeping in pipe_read)"));
	ck_assert_str_eq(rpc("qThreadExtraInfo,9"), "E03");
	doc = xfer_all("qXfer:threads:read::", 0xffb);
	ck_assert_str_eq(doc, "<?xml version=\"1.0\"?>\n<threads>\n"
			 "<thread id=\"1\" name=\"swapper\">running</thread>\n"
			 "<thread id=\"2\" name=\"init\">sleeping in pipe_read</thread>\n"
			 "<thread id=\"5\" name=\"k&lt;&amp;&gt;&quot;&apos;\">state &lt;D&gt;</thread>\n"
			 "</threads>\n");
	free(doc);
	ck_assert_str_eq(rpc("qXfer:threads:read:x:0,10"), "E02");
}
END_TEST

/* Many threads: qfThreadInfo/qsThreadInfo pages, qXfer pieces. */
START_TEST(many_threads)
{
	unsigned seen = 0;
	const char *r;
	char *doc;

	no_ack();
	ft.nr_threads = FAKE_MAX_THREADS;
	for (unsigned i = 0; i < FAKE_MAX_THREADS; i++) {
		ft.threads[i].id = 0x100000 + i;
		snprintf(ft.threads[i].name, sizeof(ft.threads[i].name), "task%u", i);
	}
	r = rpc("qfThreadInfo");
	for (;;) {
		char *p;

		if (r[0] == 'l')
			break;
		ck_assert_int_eq(r[0], 'm');
		p = (char *)r + 1;
		for (;;) {
			ck_assert_uint_eq(strtoul(p, &p, 16), 0x100000 + seen);
			seen++;
			if (*p != ',')
				break;
			p++;
		}
		ck_assert_int_eq(*p, '\0');
		r = rpc("qsThreadInfo");
	}
	ck_assert_uint_eq(seen, FAKE_MAX_THREADS);
	doc = xfer_all("qXfer:threads:read::", 0xffb);
	ck_assert_ptr_nonnull(strstr(doc, "<thread id=\"100fff\" name=\"task4095\"></thread>\n</threads>\n"));
	free(doc);
}
END_TEST

/* ---- the executable's path (target remote with no file) ---- */

START_TEST(exec_file)
{
	char *doc;

	no_ack();
	/* Any annex (a pid in multiprocess mode): there is one executable. */
	doc = xfer_all("qXfer:exec-file:read::", 5);
	ck_assert_str_eq(doc, "/home/k/glass-}#$*");
	free(doc);
	doc = xfer_all("qXfer:exec-file:read:2a:", 0xffb);
	ck_assert_str_eq(doc, "/home/k/glass-}#$*");
	free(doc);
	ck_assert_str_eq(rpc("qXfer:exec-file:read::40,ffb"), "l");
	gdb_init(&st, &fake_ops_minimal, &ft, fake_put, &ft);
	ck_assert_ptr_null(strstr(rpc("qSupported"), "exec-file"));
	ck_assert_str_eq(rpc("qXfer:exec-file:read::0,ffb"), "");
}
END_TEST

/* ---- libraries ---- */

START_TEST(libraries)
{
	char *doc;

	no_ack();
	doc = xfer_all("qXfer:libraries:read::", 40);
	ck_assert_str_eq(doc, "<?xml version=\"1.0\"?>\n<library-list version=\"1.0\">\n"
			 "<library name=\"/lib/x86_64-linux-gnu/libc.so.6\">"
			 "<segment address=\"0x7ffff7c00000\"/></library>\n"
			 "<library name=\"/tmp/m&amp;d.ko\"><section address=\"0xffffa000\"/>"
			 "<section address=\"0xffffb000\"/><section address=\"0xffffc000\"/></library>\n"
			 "</library-list>\n");
	free(doc);
	ft.bad_library = true;
	ck_assert_str_eq(rpc("qXfer:libraries:read::0,ffb"), "E16");
	ft.no_libraries = true;
	ck_assert_str_eq(rpc("qXfer:libraries:read::0,ffb"),
			 "l<?xml version=\"1.0\"?>\n<library-list version=\"1.0\">\n</library-list>\n");
	ck_assert_str_eq(rpc("qXfer:libraries:read:x:0,ffb"), "E02");
	/* No library operation: not offered, not served. */
	gdb_init(&st, &fake_ops_minimal, &ft, fake_put, &ft);
	ck_assert_ptr_null(strstr(rpc("qSupported"), "libraries"));
	ck_assert_str_eq(rpc("qXfer:libraries:read::0,ffb"), "");
}
END_TEST

/* ---- monitor ---- */

/* Send qRcmd for cmd; collect the O packets' text; return the final reply. */
static const char *monitor(const char *cmd, char *text, size_t cap)
{
	char req[1100];
	size_t tl = 0;

	snprintf(req, sizeof(req), "qRcmd,%s", hex_of(cmd));
	clear_out();
	send_pkt(req);
	parse_out();
	ck_assert_int_ge(out.n, 1);
	for (int i = 0; i < out.n - 1; i++) {
		ck_assert_int_eq(out.pkt[i][0], 'O');
		ck_assert_uint_le(out.len[i], GDB_REPLY_MAX);
		ck_assert_uint_eq(out.len[i] % 2, 1);
		ck_assert_uint_lt(tl + out.len[i] / 2, cap);
		ck_assert_int_eq(gdb_hex_decode(text + tl, out.pkt[i] + 1, out.len[i] / 2),
				 (long)out.len[i] / 2);
		tl += out.len[i] / 2;
	}
	text[tl] = '\0';
	return out.pkt[out.n - 1];
}

START_TEST(monitor_commands)
{
	static char text[65536];

	no_ack();
	ck_assert_str_eq(monitor("ps", text, sizeof(text)), "OK");
	ck_assert_str_eq(text, "  PID COMMAND\n    1 swapper\n");
	ck_assert_str_eq(ft.last_monitor, "ps");
	ck_assert_str_eq(monitor("quiet", text, sizeof(text)), "OK");
	ck_assert_str_eq(text, "");
	/* Long output: several O packets, each within a reply. */
	ck_assert_str_eq(monitor("big", text, sizeof(text)), "OK");
	ck_assert_uint_eq(strlen(text), 40000);
	ck_assert_int_ge(out.n, 4);
	ck_assert(text[39999] == 'a' + 39999 % 26);
	ck_assert_str_eq(monitor("nonsense", text, sizeof(text)), "E16");
	ck_assert_str_eq(monitor("proc meminfo", text, sizeof(text)), "E16");
	ck_assert_str_eq(ft.last_monitor, "proc meminfo");
	ck_assert_str_eq(rpc("qRcmd,707"), "E16");              /* odd length */
	ck_assert_str_eq(rpc("qRcmd,7g"), "E16");
	ck_assert_str_eq(rpc("qRcmd,700073"), "E16");           /* NUL inside */
	gdb_init(&st, &fake_ops_minimal, &ft, fake_put, &ft);
	ck_assert_str_eq(rpc("qRcmd,7073"), "");
}
END_TEST

/* ---- detach, kill, unknown ---- */

START_TEST(detach_and_kill)
{
	struct gdb_stop s = { .kind = GDB_STOP_SIGNAL, .sig = GDB_SIGTRAP };

	ck_assert_str_eq(rpc("D"), "OK");
	ck_assert_int_eq(ft.detaches, 1);
	ck_assert(st.detached);
	/* The kernel runs on; a later stop is not sent to nobody. */
	clear_out();
	gdb_stopped(&st, &s);
	ck_assert_uint_eq(ft.out_len, 0);
	/* Reconnect. */
	gdb_connect(&st);
	ck_assert_str_eq(rpc("D;1"), "OK");
	ck_assert_int_eq(ft.detaches, 2);
	gdb_connect(&st);
	no_reply("k");
	ck_assert_int_eq(ft.kills, 1);
	gdb_connect(&st);
	ck_assert_str_eq(rpc("vKill;1"), "OK");
	ck_assert_int_eq(ft.kills, 2);
}
END_TEST

START_TEST(unknown_packets)
{
	const char *unknown[] = { "qCRC:400000,10", "vFile:open:2f,0,0", "QNonStop:1",
				  "qC1", "gg", "?x", "k1", "vMustReplyEmpty1", "qTStatusx",
				  "!", "A", "bc", "i", "r", "R00", "t", "jMemoryMap", "vCtrlC",
				  "qXfer:auxv:read::0,10", "QPassSignals:e", "" };

	no_ack();
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		ck_assert_msg(strcmp(rpc(unknown[i]), "") == 0, "reply to %s", unknown[i]);
	ck_assert_int_eq(ft.resumes + ft.kills + ft.detaches, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("gdb_commands");
	TCase *tc = tcase_create("commands");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, clear_out);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, connect_sequence);
	tcase_add_test(tc, ack_mode);
	tcase_add_test(tc, no_ack_mode);
	tcase_add_test(tc, overlong_packet);
	tcase_add_test(tc, garbage_and_truncation);
	tcase_add_test(tc, any_chunking);
	tcase_add_test(tc, break_in);
	tcase_add_test(tc, stop_replies);
	tcase_add_test(tc, registers_g);
	tcase_add_test(tc, registers_layout);
	tcase_add_test(tc, registers_p_P_G);
	tcase_add_test(tc, target_xml);
	tcase_add_test(tc, memory_read);
	tcase_add_test(tc, memory_write);
	tcase_add_test(tc, breakpoints);
	tcase_add_test(tc, resume);
	tcase_add_test(tc, vcont);
	tcase_add_test(tc, threads);
	tcase_add_test(tc, many_threads);
	tcase_add_test(tc, libraries);
	tcase_add_test(tc, exec_file);
	tcase_add_test(tc, monitor_commands);
	tcase_add_test(tc, detach_and_kill);
	tcase_add_test(tc, unknown_packets);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
