/*
 * kernel/mconsole: request validation in UML's order, the command-word
 * match, reply framing and multi-part splitting, the queue to the CPU
 * thread with its time-out, and the service end to end against fakes of
 * the host side: bad requests get UML's answers and are counted, anywhere
 * commands answer at once, safe-point commands wait for the CPU thread's
 * interrupt, and a request the CPU does not take gets a time-out error.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_in_host.h"
#include <glass/mconsole.h>
#include <glass/os_upcalls.h>
#include <glass/sched.h>
#include "fakes.h"
#include "mconsole_fakes.h"
#include "check_run.h"

#define NS 1000000000ULL

static size_t make_req(void *buf, u32 magic, u32 version, u32 len, const char *data)
{
	struct mconsole_request r;

	memset(&r, 0, sizeof(r));
	r.magic = magic;
	r.version = version;
	r.len = len;
	if (data)
		memcpy(r.data, data, strlen(data) < sizeof(r.data) ? strlen(data) : sizeof(r.data));
	memcpy(buf, &r, sizeof(r));
	return sizeof(r);
}

/* ---- requests ---- */

START_TEST(parse_valid)
{
	u8 buf[sizeof(struct mconsole_request)];
	struct mconsole_request req;
	size_t n = make_req(buf, MCONSOLE_MAGIC, 2, 7, "versionGARBAGE");

	ck_assert_int_eq(mconsole_parse_request(buf, n, &req), MC_REQ_OK);
	ck_assert_str_eq(req.data, "version");         /* cut at len */
	ck_assert_uint_eq(req.len, 7);
	/* A datagram of just the header and len bytes is fine too. */
	ck_assert_int_eq(mconsole_parse_request(buf, MCONSOLE_REQ_HDR + 7, &req), MC_REQ_OK);
	ck_assert_str_eq(req.data, "version");
	/* The largest request: 511 bytes. */
	memset(buf + MCONSOLE_REQ_HDR, 'a', 511);
	make_req(buf, MCONSOLE_MAGIC, 2, 511, NULL);
	memset(buf + MCONSOLE_REQ_HDR, 'a', 511);
	ck_assert_int_eq(mconsole_parse_request(buf, n, &req), MC_REQ_OK);
	ck_assert_uint_eq(strlen(req.data), 511);
	/* Empty request. */
	make_req(buf, MCONSOLE_MAGIC, 2, 0, "x");
	ck_assert_int_eq(mconsole_parse_request(buf, n, &req), MC_REQ_OK);
	ck_assert_str_eq(req.data, "");
}
END_TEST

START_TEST(parse_bad_magic)
{
	u8 buf[sizeof(struct mconsole_request)];
	struct mconsole_request req;

	ck_assert_int_eq(mconsole_parse_request("help", 4, &req), MC_REQ_BAD_MAGIC);
	ck_assert_int_eq(mconsole_parse_request("hi", 2, &req), MC_REQ_BAD_MAGIC);
	ck_assert_int_eq(mconsole_parse_request("", 0, &req), MC_REQ_BAD_MAGIC);
	make_req(buf, 0xbabecafe, 2, 4, "help");
	ck_assert_int_eq(mconsole_parse_request(buf, sizeof(buf), &req), MC_REQ_BAD_MAGIC);
	ck_assert_str_eq(mconsole_req_error(MC_REQ_BAD_MAGIC),
			 "ERR Version 0 mconsole clients are not supported by this driver");
}
END_TEST

START_TEST(parse_errors_in_uml_order)
{
	u8 buf[sizeof(struct mconsole_request)];
	struct mconsole_request req;
	size_t n;

	n = make_req(buf, MCONSOLE_MAGIC, 2, 512, "x");
	ck_assert_int_eq(mconsole_parse_request(buf, n, &req), MC_REQ_TOO_LARGE);
	n = make_req(buf, MCONSOLE_MAGIC, 2, 0xffffffff, "x");
	ck_assert_int_eq(mconsole_parse_request(buf, n, &req), MC_REQ_TOO_LARGE);
	/* Length is checked before version, as UML does. */
	n = make_req(buf, MCONSOLE_MAGIC, 1, 600, "x");
	ck_assert_int_eq(mconsole_parse_request(buf, n, &req), MC_REQ_TOO_LARGE);
	n = make_req(buf, MCONSOLE_MAGIC, 1, 4, "help");
	ck_assert_int_eq(mconsole_parse_request(buf, n, &req), MC_REQ_BAD_VERSION);
	n = make_req(buf, MCONSOLE_MAGIC, 3, 4, "help");
	ck_assert_int_eq(mconsole_parse_request(buf, n, &req), MC_REQ_BAD_VERSION);
	ck_assert_str_eq(mconsole_req_error(MC_REQ_TOO_LARGE), "Request too large");
	ck_assert_str_eq(mconsole_req_error(MC_REQ_BAD_VERSION),
			 "This driver only supports version 2 clients");
}
END_TEST

START_TEST(parse_truncated)
{
	u8 buf[sizeof(struct mconsole_request)];
	struct mconsole_request req;

	make_req(buf, MCONSOLE_MAGIC, 2, 5, "hello");
	for (size_t n = 4; n < MCONSOLE_REQ_HDR + 5; n++)
		ck_assert_int_eq(mconsole_parse_request(buf, n, &req), MC_REQ_TRUNCATED);
	ck_assert_int_eq(mconsole_parse_request(buf, MCONSOLE_REQ_HDR + 5, &req), MC_REQ_OK);
}
END_TEST

START_TEST(command_word_match)
{
	ck_assert(mconsole_cmd_match("version", "version"));
	ck_assert(mconsole_cmd_match("version", "version 2"));
	ck_assert(mconsole_cmd_match("version", "versionx"));   /* UML's prefix rule */
	ck_assert(!mconsole_cmd_match("version", "ver"));
	ck_assert(!mconsole_cmd_match("version", "Version"));
	ck_assert(!mconsole_cmd_match("version", ""));
	ck_assert(!mconsole_cmd_match("version", " version"));
	ck_assert_str_eq(mconsole_cmd_args("proc  meminfo"), "meminfo");
	ck_assert_str_eq(mconsole_cmd_args("proc\tsys/kernel "), "sys/kernel ");
	ck_assert_str_eq(mconsole_cmd_args("ps"), "");
	ck_assert_str_eq(mconsole_cmd_args("log \n"), "\n");    /* a newline is data */
	ck_assert_ptr_nonnull(command_find("ps"));
	ck_assert_str_eq(command_find("ps")->name, "ps");
	ck_assert_str_eq(command_find("proc meminfo")->name, "proc");
	ck_assert_ptr_null(command_find("pr"));
	ck_assert_ptr_null(command_find("frobnicate"));
	ck_assert_ptr_null(command_find(""));
}
END_TEST

START_TEST(table_is_sane)
{
	for (size_t i = 0; i < command_count; i++) {
		const struct command *c = &command_table[i];

		ck_assert(c->name && *c->name && c->help && *c->help && c->usage && c->handler);
		ck_assert(c->context == CMD_ANYWHERE || c->context == CMD_SAFE_POINT ||
			  c->context == CMD_TASK);
		/* No name may shadow a later one under the prefix rule. */
		for (size_t j = 0; j < command_count; j++)
			if (i != j)
				ck_assert_msg(!mconsole_cmd_match(c->name, command_table[j].name),
					      "%s shadows %s", c->name, command_table[j].name);
	}
}
END_TEST

START_TEST(frame_reply)
{
	struct mconsole_reply r;
	char big[600];

	ck_assert_uint_eq(mconsole_frame_reply(&r, "OK", 2, true, false), 12 + 3);
	ck_assert_uint_eq(r.err, 1);
	ck_assert_uint_eq(r.more, 0);
	ck_assert_uint_eq(r.len, 3);
	ck_assert_str_eq(r.data, "OK");
	ck_assert_uint_eq(mconsole_frame_reply(&r, "", 0, false, true), 12 + 1);
	ck_assert_uint_eq(r.len, 1);
	ck_assert_uint_eq(r.more, 1);
	memset(big, 'x', sizeof(big));
	ck_assert_uint_eq(mconsole_frame_reply(&r, big, sizeof(big), false, false), 12 + 512);
	ck_assert_uint_eq(r.len, 512);
	ck_assert_int_eq(r.data[511], '\0');
}
END_TEST

/* UML's notification: the message and its NUL, cut to fit. */
START_TEST(frame_notify)
{
	struct mconsole_notify n;
	char big[700];

	ck_assert_uint_eq(mconsole_frame_notify(&n, MCONSOLE_PANIC, "oops"), 16 + 5);
	ck_assert_uint_eq(n.magic, MCONSOLE_MAGIC);
	ck_assert_uint_eq(n.version, 2);
	ck_assert_uint_eq(n.type, MCONSOLE_PANIC);
	ck_assert_uint_eq(n.len, 5);
	ck_assert_str_eq(n.data, "oops");
	ck_assert_uint_eq(mconsole_frame_notify(&n, MCONSOLE_HANG, ""), 16 + 1);
	ck_assert_uint_eq(n.type, MCONSOLE_HANG);
	memset(big, 'p', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_uint_eq(mconsole_frame_notify(&n, MCONSOLE_PANIC, big), 16 + 512);
	ck_assert_int_eq(n.data[511], '\0');
}
END_TEST

/* ---- output splitting ---- */

struct chunk {
	char data[CMD_OUT_CHUNK + 1];
	size_t len;
	bool err, more;
};
static struct chunk chunks[64];
static int nchunks, emit_fail_at = -1;

static int record(void *ctx, const char *data, size_t len, bool err, bool more)
{
	struct chunk *c = &chunks[nchunks];

	ck_assert_int_lt(nchunks, 64);
	if (nchunks == emit_fail_at) {
		nchunks++;
		return -EPIPE;
	}
	memcpy(c->data, data, len);
	c->data[len] = '\0';
	c->len = len;
	c->err = err;
	c->more = more;
	nchunks++;
	return 0;
}

static void out_setup(void)
{
	nchunks = 0;
	emit_fail_at = -1;
}

static void write_n(struct cmd_out *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cmd_putc(out, 'a' + i % 26);
}

START_TEST(out_empty_is_one_packet)
{
	struct cmd_out out;

	cmd_out_init(&out, record, NULL);
	cmd_finish(&out);
	cmd_finish(&out);               /* idempotent */
	ck_assert_int_eq(nchunks, 1);
	ck_assert_uint_eq(chunks[0].len, 0);
	ck_assert(!chunks[0].more && !chunks[0].err);
}
END_TEST

START_TEST(out_splits_at_511)
{
	static const size_t sizes[] = { 1, 510, 511, 512, 1021, 1022, 1023, 5000 };

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		struct cmd_out out;
		size_t total = 0, want = (sizes[k] + CMD_OUT_CHUNK - 1) / CMD_OUT_CHUNK;

		out_setup();
		cmd_out_init(&out, record, NULL);
		write_n(&out, sizes[k]);
		cmd_finish(&out);
		ck_assert_int_eq(nchunks, (int)want);
		for (int i = 0; i < nchunks; i++) {
			ck_assert_int_eq(chunks[i].more, i < nchunks - 1);
			if (i < nchunks - 1)
				ck_assert_uint_eq(chunks[i].len, CMD_OUT_CHUNK);
			ck_assert(!chunks[i].err);
			total += chunks[i].len;
		}
		ck_assert_uint_eq(total, sizes[k]);
	}
}
END_TEST

START_TEST(out_err_on_first_only)
{
	struct cmd_out out;

	cmd_out_init(&out, record, NULL);
	cmd_error(&out, "bad: ");
	write_n(&out, 1000);
	cmd_finish(&out);
	ck_assert_int_eq(nchunks, 2);
	ck_assert(chunks[0].err);
	ck_assert(!chunks[1].err);
	ck_assert(!strncmp(chunks[0].data, "bad: ", 5));

	/* An error after a chunk went out cannot set err any more. */
	out_setup();
	cmd_out_init(&out, record, NULL);
	cmd_puts(&out, "\n");
	cmd_flush(&out);
	cmd_error(&out, "late");
	cmd_finish(&out);
	ck_assert_int_eq(nchunks, 2);
	ck_assert(chunks[0].more && !chunks[0].err);
	ck_assert(!chunks[1].more && !chunks[1].err);
	ck_assert_str_eq(chunks[1].data, "late");
}
END_TEST

START_TEST(out_formatting)
{
	struct cmd_out out;

	cmd_out_init(&out, record, NULL);
	cmd_putu(&out, 0, 0);
	cmd_putc(&out, '|');
	cmd_putu(&out, 42, 5);
	cmd_putc(&out, '|');
	cmd_putu(&out, 18446744073709551615ULL, 3);
	cmd_putc(&out, '|');
	cmd_putsn(&out, "ab\001\x7f" "cdef", 6, 8);
	cmd_putc(&out, '|');
	cmd_putsn(&out, NULL, 6, 2);
	cmd_putc(&out, '|');
	cmd_printf(&out, "%d-%s", -7, "x");
	cmd_finish(&out);
	ck_assert_str_eq(chunks[0].data, "0|   42|18446744073709551615|ab??cd  |  |-7-x");
}
END_TEST

START_TEST(out_emit_failure_drops_rest)
{
	struct cmd_out out;

	emit_fail_at = 0;
	cmd_out_init(&out, record, NULL);
	write_n(&out, 2000);
	cmd_finish(&out);
	ck_assert_int_eq(nchunks, 1);           /* nothing after the failure */
	ck_assert_int_eq(out.failed, -EPIPE);
}
END_TEST

/* ---- the queue ---- */

static const struct command dummy_cmd = { "dummy", "", "d", CMD_SAFE_POINT, NULL };

START_TEST(queue_fifo_and_full)
{
	static struct mc_queue q;
	struct mc_client c = { .len = 3 };
	char data[8];

	for (int i = 0; i < MC_QUEUE_SLOTS; i++) {
		snprintf(data, sizeof(data), "c%d", i);
		ck_assert_ptr_nonnull(mc_queue_push(&q, &dummy_cmd, data, &c, 100 + i));
	}
	ck_assert_ptr_null(mc_queue_push(&q, &dummy_cmd, "x", &c, 1));
	ck_assert_uint_eq(mc_queue_next_deadline(&q), 100);
	for (int i = 0; i < MC_QUEUE_SLOTS; i++) {
		struct mc_slot *s = mc_queue_take(&q);

		snprintf(data, sizeof(data), "c%d", i);
		ck_assert_ptr_nonnull(s);
		ck_assert_str_eq(s->data, data);
		ck_assert_uint_eq(s->client.len, 3);
		/* None is due yet. */
		ck_assert_ptr_null(mc_queue_expire(&q, 99));
		mc_queue_release(s);
	}
	ck_assert_ptr_null(mc_queue_take(&q));
	ck_assert_uint_eq(mc_queue_next_deadline(&q), 0);
}
END_TEST

START_TEST(queue_expire_beats_take)
{
	static struct mc_queue q;
	struct mc_client c = { .len = 3 };
	struct mc_slot *s;

	mc_queue_push(&q, &dummy_cmd, "a", &c, 100);
	mc_queue_push(&q, &dummy_cmd, "b", &c, 200);
	ck_assert_ptr_null(mc_queue_expire(&q, 99));
	s = mc_queue_expire(&q, 150);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->data, "a");
	ck_assert_int_eq(s->state, MC_SLOT_EXPIRING);
	/* The CPU thread never sees a slot the monitor claimed. */
	struct mc_slot *t = mc_queue_take(&q);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t->data, "b");
	ck_assert_ptr_null(mc_queue_take(&q));
	mc_queue_release(s);
	mc_queue_release(t);
	/* Overlong data is cut to fit. */
	char big[700];
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s = mc_queue_push(&q, &dummy_cmd, big, &c, 1);
	ck_assert_uint_eq(strlen(s->data), MCONSOLE_MAX_DATA - 1);
}
END_TEST

/* ---- the service ---- */

static struct mc_client client = { .len = 10 };

static void svc_setup(void)
{
	fake_mconsole_reset();
	ck_assert_int_eq(mconsole_init(5, NULL), 0);
	ck_assert_ptr_nonnull(fake_irq_handler);
	ck_assert_ptr_nonnull(strstr(fake_printk,
				     "mconsole (version 2) initialized on /fake/umid/mconsole"));
	fake_printk[0] = '\0';
}

static void request(const char *cmd, u64 now)
{
	u8 buf[sizeof(struct mconsole_request)];
	size_t n = make_req(buf, MCONSOLE_MAGIC, 2, strlen(cmd), cmd);

	mconsole_monitor_request(buf, n, &client, now);
}

static struct mconsole_reply *pkt(int i)
{
	static struct mconsole_reply r;

	ck_assert_int_lt(i, fake_npackets);
	memset(&r, 0, sizeof(r));
	memcpy(&r, fake_packets[i].data, fake_packets[i].len);
	ck_assert_uint_eq(fake_packets[i].len, MCONSOLE_REPLY_HDR + r.len);
	ck_assert_int_eq(r.data[r.len - 1], '\0');
	return &r;
}

/* The whole reply text, checking the more flags; returns the first err. */
static int reply_text(int first, char *buf, size_t size)
{
	int err = pkt(first)->err;
	size_t n = 0;

	for (int i = first; i < fake_npackets; i++) {
		struct mconsole_reply *r = pkt(i);

		ck_assert_int_eq(r->more, i < fake_npackets - 1);
		if (i > first)
			ck_assert_uint_eq(r->err, 0);
		ck_assert_uint_lt(n + r->len, size);
		memcpy(buf + n, r->data, r->len - 1);
		n += r->len - 1;
	}
	buf[n] = '\0';
	return err;
}

START_TEST(svc_bad_requests_answered_and_counted)
{
	u8 buf[sizeof(struct mconsole_request)];
	char text[600];
	size_t n;

	mconsole_monitor_request("help", 4, &client, 0);
	ck_assert_int_eq(fake_npackets, 1);
	ck_assert_uint_eq(fake_packets[0].len, strlen(MC_V0_REPLY));     /* raw, no NUL */
	ck_assert(!memcmp(fake_packets[0].data, MC_V0_REPLY, strlen(MC_V0_REPLY)));

	n = make_req(buf, MCONSOLE_MAGIC, 2, 4096, "help");
	fake_npackets = 0;
	mconsole_monitor_request(buf, n, &client, 0);
	ck_assert_int_eq(reply_text(0, text, sizeof(text)), 1);
	ck_assert_str_eq(text, "Request too large");

	n = make_req(buf, MCONSOLE_MAGIC, 7, 4, "help");
	fake_npackets = 0;
	mconsole_monitor_request(buf, n, &client, 0);
	ck_assert_int_eq(reply_text(0, text, sizeof(text)), 1);
	ck_assert_str_eq(text, "This driver only supports version 2 clients");

	fake_npackets = 0;
	mconsole_monitor_request(buf, 9, &client, 0);
	ck_assert_int_eq(reply_text(0, text, sizeof(text)), 1);
	ck_assert_ptr_nonnull(strstr(text, "truncated"));

	fake_npackets = 0;
	request("frobnicate now", 0);
	ck_assert_int_eq(reply_text(0, text, sizeof(text)), 1);
	ck_assert_str_eq(text, "Unknown command");

	/* No reply address: counted, nothing sent. */
	struct mc_client anon = { .len = 0 };
	fake_npackets = 0;
	mconsole_monitor_request("x", 1, &anon, 0);
	ck_assert_int_eq(fake_npackets, 0);

	ck_assert_uint_eq(mconsole_stats.requests, 6);
	ck_assert_uint_eq(mconsole_stats.bad_magic, 2);
	ck_assert_uint_eq(mconsole_stats.too_large, 1);
	ck_assert_uint_eq(mconsole_stats.bad_version, 1);
	ck_assert_uint_eq(mconsole_stats.truncated, 1);
	ck_assert_uint_eq(mconsole_stats.unknown, 1);
	ck_assert_uint_eq(mconsole_stats.no_address, 1);
	ck_assert_int_eq(fake_kicks, 0);
}
END_TEST

START_TEST(svc_anywhere_answers_at_once)
{
	char text[4096];

	request("version", 0);
	ck_assert_int_eq(reply_text(0, text, sizeof(text)), 0);
	ck_assert_str_eq(text, "Linux glass 6.1.0-glass #1 Glass x86_64");
	ck_assert_int_eq(fake_kicks, 0);

	fake_npackets = 0;
	request("help", 0);
	reply_text(0, text, sizeof(text));
	for (size_t i = 0; i < command_count; i++)
		ck_assert_msg(strstr(text, command_table[i].name), "help lacks %s",
			      command_table[i].name);

	fake_npackets = 0;
	request("uptime", 0);
	reply_text(0, text, sizeof(text));
	ck_assert_str_eq(text, "up 2.25 s, run 1.50 s (time stopped excluded)\n");

	fake_npackets = 0;
	request("stats", 0);
	reply_text(0, text, sizeof(text));
	ck_assert_ptr_nonnull(strstr(text, "requests    4\n"));
	ck_assert_ptr_nonnull(strstr(text, "anywhere    4\n"));
	ck_assert_ptr_nonnull(strstr(text, "bad_magic   0\n"));
}
END_TEST

START_TEST(svc_dmesg_streams_packets)
{
	char text[8192];

	for (int i = 0; i < 2000; i++)
		fake_log[i] = i % 50 == 49 ? '\n' : 'a' + i % 26;
	fake_log_len = 2000;
	request("dmesg", 0);
	ck_assert_int_eq(fake_npackets, 4);     /* 511 + 511 + 511 + 467 */
	ck_assert_int_eq(reply_text(0, text, sizeof(text)), 0);
	ck_assert_uint_eq(strlen(text), 2000);
	ck_assert(!memcmp(text, fake_log, 2000));
}
END_TEST

START_TEST(svc_safe_point_waits_for_cpu)
{
	char text[600];

	request("proc meminfo", 0);
	ck_assert_int_eq(fake_npackets, 0);     /* queued, not answered */
	ck_assert_int_eq(fake_kicks, 1);
	ck_assert_uint_eq(mconsole_stats.queued, 1);
	/* The CPU thread's event loop runs the interrupt. */
	fake_irq_handler(42, NULL);
	ck_assert_int_eq(fake_acks, 1);
	ck_assert_int_eq(fake_procs, 1);
	ck_assert_str_eq(fake_proc_arg, "meminfo");
	/* UML's shape: "\n" alone first, with more set. */
	ck_assert_int_eq(fake_npackets, 2);
	ck_assert_uint_eq(pkt(0)->more, 1);
	ck_assert_str_eq(pkt(0)->data, "\n");
	ck_assert_int_eq(reply_text(0, text, sizeof(text)), 0);
	ck_assert_str_eq(text, "\nMemTotal: 1 kB\n");
	/* Nothing left; a second interrupt does nothing. */
	fake_irq_handler(42, NULL);
	ck_assert_int_eq(fake_procs, 1);

	/* log prints verbatim, as UML's: the client's "log \n" ends the line. */
	fake_npackets = 0;
	request("log hello there", 0);
	request("log \n", 0);
	fake_irq_handler(42, NULL);
	ck_assert_str_eq(fake_printk, "hello there\n");
	ck_assert_int_eq(fake_npackets, 2);     /* an empty OK each */
	ck_assert_uint_eq(pkt(0)->len, 1);
	ck_assert_uint_eq(pkt(1)->len, 1);
}
END_TEST

/* insmod and rmmod go to a kernel thread; without one, an error says so
 * and the handler never runs at a safe point. */
START_TEST(svc_kernel_task_needs_its_thread)
{
	char text[600];

	request("rmmod hello", 0);
	ck_assert_int_eq(fake_npackets, 0);     /* queued, as safe-point ones */
	ck_assert_int_eq(fake_kicks, 1);
	fake_irq_handler(42, NULL);
	ck_assert_int_eq(fake_npackets, 1);
	ck_assert_int_eq(reply_text(0, text, sizeof(text)), 1);
	ck_assert_str_eq(text, "Cannot start the mconsole kernel thread this command runs in");
}
END_TEST

START_TEST(svc_timeout_answers_with_reason)
{
	char text[600];

	request("cad", 10 * NS);
	ck_assert_uint_eq(mconsole_monitor_expire(10 * NS), 15 * NS);
	ck_assert_uint_eq(mconsole_monitor_expire(15 * NS - 1), 15 * NS);
	ck_assert_int_eq(fake_npackets, 0);
	ck_assert_uint_eq(mconsole_monitor_expire(15 * NS), 0);
	ck_assert_int_eq(reply_text(0, text, sizeof(text)), 1);
	ck_assert_ptr_nonnull(strstr(text, "Timed out"));
	ck_assert_ptr_nonnull(strstr(text, "'cad'"));
	ck_assert_ptr_nonnull(strstr(text, "5 s"));
	ck_assert_uint_eq(mconsole_stats.timed_out, 1);
	/* The CPU thread coming back later does not run it or answer twice. */
	fake_irq_handler(42, NULL);
	ck_assert_int_eq(fake_cads, 0);
	ck_assert_int_eq(fake_npackets, 1);
}
END_TEST

START_TEST(svc_queue_full_is_an_error)
{
	char text[600];

	for (int i = 0; i < MC_QUEUE_SLOTS; i++)
		request("cad", 0);
	ck_assert_int_eq(fake_npackets, 0);
	request("cad", 0);
	ck_assert_int_eq(reply_text(0, text, sizeof(text)), 1);
	ck_assert_ptr_nonnull(strstr(text, "busy"));
	ck_assert_uint_eq(mconsole_stats.queue_full, 1);
	/* Anywhere commands still answer. */
	fake_npackets = 0;
	request("version", 0);
	ck_assert_int_eq(reply_text(0, text, sizeof(text)), 0);
	fake_irq_handler(42, NULL);
	ck_assert_int_eq(fake_cads, MC_QUEUE_SLOTS);
}
END_TEST

START_TEST(svc_send_errors_counted)
{
	fake_send_result = -ECONNREFUSED;
	request("version", 0);
	ck_assert_uint_eq(mconsole_stats.send_errors, 1);
	fake_send_result = 0;
	request("version", 0);
	ck_assert_int_eq(fake_npackets, 1);
}
END_TEST

/* Replies dropped at clients that do not read are logged at the 1st,
 * 10th, 100th... drop only. */
START_TEST(svc_drops_logged_rate_limited)
{
	fake_send_result = -EAGAIN;
	for (int i = 0; i < 120; i++)
		request("version", 0);
	ck_assert_uint_eq(mconsole_stats.send_errors, 120);
	ck_assert_str_eq(fake_printk,
			 "mconsole: clients not reading their replies: packets dropped: 1\n"
			 "mconsole: clients not reading their replies: packets dropped: 10\n"
			 "mconsole: clients not reading their replies: packets dropped: 100\n");
	fake_send_result = 0;
}
END_TEST

/* ---- ps from the monitor: a fake task list in the test's image ---- */

#define t_idle init_task
static struct task_struct t_init, t_kthread;
static struct mm_struct mm_init;

static void link_tasks(void)
{
	INIT_LIST_HEAD(&task_list);
	t_idle.pid = 0;
	strcpy(t_idle.comm, "swapper");
	t_idle.flags = PF_KTHREAD | PF_IDLE;
	t_idle.real_parent = &t_idle;
	t_init.pid = t_init.tgid = 1;
	strcpy(t_init.comm, "sh");
	t_init.state = TASK_INTERRUPTIBLE;
	t_init.wchan = "do_wait";
	t_init.real_parent = &t_idle;
	t_init.mm = &mm_init;
	mm_init.host.pid = 4242;
	t_kthread.pid = t_kthread.tgid = 2;
	memcpy(t_kthread.comm, "0123456789abcdef", 16);    /* no NUL */
	t_kthread.flags = PF_KTHREAD;
	t_kthread.exit_state = EXIT_ZOMBIE;
	t_kthread.real_parent = (void *)0x1234;             /* a bad pointer */
	list_add_tail(&t_idle.tasks, &task_list);
	list_add_tail(&t_init.tasks, &task_list);
	list_add_tail(&t_kthread.tasks, &task_list);
}

/* mconsole=notify: the socket's path goes out after the boot line, and
 * mconsole_notify() sends what it is given. */
START_TEST(svc_notify)
{
	struct mconsole_notify n;

	fake_mconsole_reset();
	ck_assert_int_eq(mconsole_init(5, "/tmp/listener"), 0);
	ck_assert_str_eq(fake_notify_path, "/tmp/listener");
	ck_assert_int_eq(fake_nnotify, 1);
	memcpy(&n, fake_notify[0].data, fake_notify[0].len);
	ck_assert_uint_eq(n.type, MCONSOLE_SOCKET);
	ck_assert_str_eq(n.data, "/fake/umid/mconsole");
	ck_assert_uint_eq(fake_notify[0].len, 16 + sizeof("/fake/umid/mconsole"));
	ck_assert_int_eq(mconsole_notify(MCONSOLE_HANG, "CPU stuck"), 0);
	ck_assert_int_eq(fake_nnotify, 2);
	memcpy(&n, fake_notify[1].data, fake_notify[1].len);
	ck_assert_uint_eq(n.type, MCONSOLE_HANG);
	ck_assert_str_eq(n.data, "CPU stuck");
}
END_TEST

START_TEST(svc_ps_snapshot)
{
	char text[2048];

	link_tasks();
	request("ps", 0);
	reply_text(0, text, sizeof(text));
	ck_assert_str_eq(text,
		"  PID  PPID S WCHAN              HOSTPID COMMAND\n"
		"    0     0 R -                        - swapper [kthread]\n"
		"    1     0 S do_wait               4242 sh\n"
		"    2     0 Z -                        - 0123456789abcdef [kthread]\n");

	/* A task unlinked under the walk points to itself: the walk stops. */
	t_init.tasks.next = &t_init.tasks;
	fake_npackets = 0;
	request("ps", 0);
	reply_text(0, text, sizeof(text));
	ck_assert_ptr_nonnull(strstr(text, " sh\n(the task list changed under this snapshot"));
	/* A wild pointer is not followed. */
	t_init.tasks.next = (void *)0x10;
	fake_npackets = 0;
	request("ps", 0);
	reply_text(0, text, sizeof(text));
	ck_assert_ptr_nonnull(strstr(text, "(the task list changed under this snapshot"));
}
END_TEST

/* stack and bt walk a sleeping task's frames from its switch frame. */
static unsigned long fake_stack[THREAD_SIZE / 8] __attribute__((aligned(16)));

START_TEST(svc_stack_walks_frames)
{
	unsigned long *sw = &fake_stack[1000], *f1 = &fake_stack[1100], *f2 = &fake_stack[1200];
	char text[2048];

	link_tasks();
	t_init.stack = fake_stack;
	/* r15 r14 r13 r12 rbx rbp, then the return address into schedule */
	sw[5] = (unsigned long)f1;
	sw[6] = 0x401000;
	f1[0] = (unsigned long)f2;
	f1[1] = 0x402000;
	f2[0] = 0;
	f2[1] = 0x403000;
	t_init.thread.sp = (unsigned long)sw;
	request("stack 1", 0);
	reply_text(0, text, sizeof(text));
	ck_assert_str_eq(text,
		"task 1 (sh) state S\n"
		" #0 0x0000000000401000 fake_fn+0x0/0x1000\n"
		" #1 0x0000000000402000 fake_fn+0x1000/0x1000\n"
		" #2 0x0000000000403000 ?\n");
	fake_npackets = 0;
	request("stack", 0);
	ck_assert_int_eq(reply_text(0, text, sizeof(text)), 1);
	ck_assert_str_eq(text, "Please specify a pid");
	fake_npackets = 0;
	request("stack 77", 0);
	reply_text(0, text, sizeof(text));
	ck_assert_str_eq(text, "Couldn't find that pid");
	/* A frame pointer leaving the task's stack ends the walk. */
	f1[0] = 0x1000;
	fake_npackets = 0;
	request("bt all", 0);
	reply_text(0, text, sizeof(text));
	ck_assert_ptr_nonnull(strstr(text, "task 1 (sh) state S\n"
					   " #0 0x0000000000401000 fake_fn+0x0/0x1000\n"
					   " #1 0x0000000000402000 fake_fn+0x1000/0x1000\n\n"));
	ck_assert_ptr_nonnull(strstr(text, "task 0 (swapper) state R\n (no saved stack"));
}
END_TEST

static Suite *mconsole_suite(void)
{
	Suite *s = suite_create("mconsole");
	TCase *tc = tcase_create("protocol");

	tcase_add_test(tc, parse_valid);
	tcase_add_test(tc, parse_bad_magic);
	tcase_add_test(tc, parse_errors_in_uml_order);
	tcase_add_test(tc, parse_truncated);
	tcase_add_test(tc, command_word_match);
	tcase_add_test(tc, table_is_sane);
	tcase_add_test(tc, frame_reply);
	tcase_add_test(tc, frame_notify);
	suite_add_tcase(s, tc);

	tc = tcase_create("output");
	tcase_add_checked_fixture(tc, out_setup, NULL);
	tcase_add_test(tc, out_empty_is_one_packet);
	tcase_add_test(tc, out_splits_at_511);
	tcase_add_test(tc, out_err_on_first_only);
	tcase_add_test(tc, out_formatting);
	tcase_add_test(tc, out_emit_failure_drops_rest);
	suite_add_tcase(s, tc);

	tc = tcase_create("queue");
	tcase_add_test(tc, queue_fifo_and_full);
	tcase_add_test(tc, queue_expire_beats_take);
	suite_add_tcase(s, tc);

	tc = tcase_create("service");
	tcase_add_checked_fixture(tc, svc_setup, NULL);
	tcase_add_test(tc, svc_bad_requests_answered_and_counted);
	tcase_add_test(tc, svc_anywhere_answers_at_once);
	tcase_add_test(tc, svc_dmesg_streams_packets);
	tcase_add_test(tc, svc_safe_point_waits_for_cpu);
	tcase_add_test(tc, svc_kernel_task_needs_its_thread);
	tcase_add_test(tc, svc_timeout_answers_with_reason);
	tcase_add_test(tc, svc_queue_full_is_an_error);
	tcase_add_test(tc, svc_send_errors_counted);
	tcase_add_test(tc, svc_drops_logged_rate_limited);
	tcase_add_test(tc, svc_ps_snapshot);
	tcase_add_test(tc, svc_stack_walks_frames);
	tcase_add_test(tc, svc_notify);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(mconsole_suite(), CK_FORK_GETENV);
}
