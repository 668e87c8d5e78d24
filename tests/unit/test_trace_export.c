/*
 * The Chrome trace-event JSON export (trace/export.c): the output parsed
 * back by a strict JSON checker, then its tracks, slices and instants
 * looked for; a failing sink stops it.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include <trace/trace.h>
#include <uapi/unistd.h>
#include "check_run.h"

static char json[256 * 1024];
static size_t jlen;
static int fail_after = -1;

static int sink(void *ctx, const char *buf, size_t len)
{
	if (fail_after == 0)
		return -28;
	if (fail_after > 0)
		fail_after--;
	ck_assert_uint_lt(jlen + len, sizeof(json));
	memcpy(json + jlen, buf, len);
	jlen += len;
	json[jlen] = 0;
	return 0;
}

/* ---- a strict JSON checker (RFC 8259), recursive descent ---- */
static const char *p;

static void ws(void)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
}

static bool value(void);

static bool string(void)
{
	if (*p++ != '"')
		return false;
	while (*p != '"') {
		unsigned char c = *p++;

		if (c < 0x20)
			return false;
		if (c == '\\') {
			c = *p++;
			if (c == 'u') {
				for (int i = 0; i < 4; i++, p++)
					if (!strchr("0123456789abcdefABCDEF", *p) || !*p)
						return false;
			} else if (!strchr("\"\\/bfnrt", c) || !c) {
				return false;
			}
		}
	}
	p++;
	return true;
}

static bool number(void)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return false;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return true;
}

static bool members(char close, bool keys)
{
	p++;
	ws();
	if (*p == close) {
		p++;
		return true;
	}
	for (;;) {
		ws();
		if (keys) {
			if (!string())
				return false;
			ws();
			if (*p++ != ':')
				return false;
		}
		if (!value())
			return false;
		ws();
		if (*p == close) {
			p++;
			return true;
		}
		if (*p++ != ',')
			return false;
	}
}

static bool value(void)
{
	ws();
	switch (*p) {
	case '{': return members('}', true);
	case '[': return members(']', false);
	case '"': return string();
	case 't': p += 4; return !strncmp(p - 4, "true", 4);
	case 'f': p += 5; return !strncmp(p - 5, "false", 5);
	case 'n': p += 4; return !strncmp(p - 4, "null", 4);
	default: return number();
	}
}

static bool valid_json(const char *s)
{
	p = s;
	if (!value())
		return false;
	ws();
	return *p == 0;
}

START_TEST(checker_refuses_bad_json)
{
	ck_assert(valid_json("{\"a\":[1,2.5,-3,\"x\\n\",{}],\"b\":null}"));
	ck_assert(!valid_json("{\"a\":[1,2,]}"));
	ck_assert(!valid_json("{\"a\":\"\x01\"}"));
	ck_assert(!valid_json("{\"a\":1}}"));
	ck_assert(!valid_json("{\"a\":01}"));
	ck_assert(!valid_json("[\"\\x\"]"));
}
END_TEST

/* ---- a small session ---- */
static struct trace_export x;
static u64 rec[TRACE_REC_MAX / 8];

static int no_copy(void *ctx, void *dst, u64 a, u32 len)
{
	return -14;
}

static long no_copy_str(void *ctx, char *dst, u64 a, u32 len)
{
	return -14;
}

static const struct trace_uaccess ua = { no_copy, no_copy_str, NULL };

static void put(const void *r)
{
	ck_assert_int_eq(trace_export_record(&x, r, ((const struct trace_hdr *)r)->len), 0);
}

static void session(void)
{
	struct trace_task t = { { TRACE_TASK, 0, sizeof(t), 1, 0 }, 1, 0, "init" };
	struct trace_fork f = { { TRACE_FORK, 0, sizeof(f), 1, 1000 }, 3, 0, 0x1200011, "init" };
	struct trace_switch sw = { { TRACE_SWITCH, TRACE_SW_BLOCK, sizeof(sw), 1, 2000 },
				   3, 0, "init", "init", "wait4" };
	struct trace_fault fl = { { TRACE_FAULT, TRACE_ACC_WRITE | TRACE_ACC_USER, sizeof(fl), 3, 4000 },
				  0x7ffc1000, 0x401010, TRACE_FAULT_ANON, 0, 1, 0 };
	struct trace_signal sg = { { TRACE_SIGNAL_DELIVER, TRACE_SIG_HANDLER, sizeof(sg), 1, 9000 },
				   1, 17, 0, 0, 1, 3, 0, 0, 0 };
	struct trace_exit e = { { TRACE_EXIT, 1, sizeof(e), 3, 8000 }, 0, 0 };
	u64 a[6] = { 1, 0x2000, 5 };

	trace_export_begin(&x, sink, NULL);
	put(&t);
	put(&f);
	put(&sw);
	ck_assert_uint_gt(trace_build_exec(rec, sizeof(rec), 3, 2500, "sh\"x", "/bin/sh"), 0);
	put(rec);
	ck_assert_uint_gt(trace_build_sys_enter(rec, sizeof(rec), 3, 3000, __NR_write, a, &ua), 0);
	put(rec);
	ck_assert_uint_gt(trace_build_sys_exit(rec, sizeof(rec), 3, 3500, __NR_write, a, 5, 500, &ua), 0);
	put(rec);
	put(&fl);
	put(&e);
	sw.h.pid = 3;
	sw.next_pid = 1;
	sw.h.ts = 8500;
	sw.h.flags = TRACE_SW_EXIT;
	put(&sw);
	put(&sg);
	ck_assert_int_eq(trace_export_end(&x), 0);
}

START_TEST(export_parses_and_has_tracks_slices_instants)
{
	session();
	ck_assert_msg(valid_json(json), "invalid JSON near: %.60s", p);
	/* the CPU track and one named track per task, comm[pid] */
	ck_assert_ptr_nonnull(strstr(json, "\"tid\":0,\"name\":\"thread_name\",\"args\":{\"name\":\"CPU\"}"));
	ck_assert_ptr_nonnull(strstr(json, "{\"ph\":\"M\",\"pid\":1,\"tid\":1,\"name\":\"thread_name\",\"args\":{\"name\":\"init[1]\"}}"));
	ck_assert_ptr_nonnull(strstr(json, "{\"ph\":\"M\",\"pid\":3,\"tid\":3,\"name\":\"thread_name\",\"args\":{\"name\":\"init[3]\"}}"));
	/* renamed at exec, quote escaped */
	ck_assert_ptr_nonnull(strstr(json, "\"args\":{\"name\":\"sh\\\"x[3]\"}"));
	/* the write as a complete slice from its entry: 3.000 us, 0.500 long */
	ck_assert_ptr_nonnull(strstr(json, "{\"ph\":\"X\",\"pid\":3,\"tid\":3,\"cat\":\"syscall\",\"name\":\"write\",\"ts\":3.000,\"dur\":0.500,\"args\":{\"strace\":\"write(1, 0x2000, 5) = 5\"}}"));
	/* fault and signal instants on their tasks' tracks */
	ck_assert_ptr_nonnull(strstr(json, "{\"ph\":\"i\",\"pid\":3,\"tid\":3,\"s\":\"t\",\"cat\":\"fault\",\"name\":\"page fault\",\"ts\":4.000,"));
	ck_assert_ptr_nonnull(strstr(json, "\"cat\":\"signal\",\"name\":\"SIGCHLD\",\"ts\":9.000"));
	/* the CPU track: init[3] runs from 2 us to 8.5 us, then init[1] */
	ck_assert_ptr_nonnull(strstr(json, "{\"ph\":\"B\",\"pid\":0,\"tid\":0,\"cat\":\"sched\",\"name\":\"init[3]\",\"ts\":2.000}"));
	ck_assert_ptr_nonnull(strstr(json, "{\"ph\":\"E\",\"pid\":0,\"tid\":0,\"ts\":8.500}"));
	ck_assert_ptr_nonnull(strstr(json, "{\"ph\":\"B\",\"pid\":0,\"tid\":0,\"cat\":\"sched\",\"name\":\"init[1]\",\"ts\":8.500}"));
}
END_TEST

START_TEST(export_with_python_json)
{
	FILE *f;

	session();
	/* a second, independent parser (python3 runs the integration tests) */
	f = popen("python3 -c 'import json,sys; d=json.load(sys.stdin); "
		  "ev=d[\"traceEvents\"]; "
		  "assert any(e[\"ph\"]==\"X\" and e[\"name\"]==\"write\" for e in ev); "
		  "assert sum(e[\"ph\"]==\"M\" for e in ev)>=4'", "w");
	ck_assert_ptr_nonnull(f);
	fwrite(json, 1, jlen, f);
	ck_assert_int_eq(pclose(f), 0);
}
END_TEST

START_TEST(sink_error_stops_the_export)
{
	struct trace_lost l = { { TRACE_LOST, 0, sizeof(l), 1, 0 }, 1 };

	fail_after = 1;		/* the head goes, the first event fails */
	trace_export_begin(&x, sink, NULL);
	ck_assert_int_eq(trace_export_record(&x, &l, sizeof(l)), -28);
	ck_assert_int_eq(trace_export_record(&x, &l, sizeof(l)), -28);
	ck_assert_int_eq(trace_export_end(&x), -28);
	fail_after = -1;
}
END_TEST

START_TEST(long_texts_stay_valid_json)
{
	u64 a[6] = { 1, 0x2000, 5 };
	u32 len;
	struct trace_sys_ret *r = (void *)rec;

	trace_export_begin(&x, sink, NULL);
	len = trace_build_sys_exit(rec, sizeof(rec), 3, 3500, __NR_write, a, 5, 500, &ua);
	ck_assert_uint_gt(len, 0);
	/* a name for the task full of bytes that need escaping */
	struct trace_task t = { { TRACE_TASK, 0, sizeof(t), 3, 0 }, 3, 0,
				"\x01\"\\\x7f\xff\n\t" };
	put(&t);
	r->h.ts = 10;
	r->dur = 100;	/* longer than its timestamp: starts at 0 */
	put(rec);
	ck_assert_int_eq(trace_export_end(&x), 0);
	ck_assert_msg(valid_json(json), "invalid JSON near: %.60s", p);
	ck_assert_ptr_nonnull(strstr(json, "\"ts\":0.000,\"dur\":0.100"));
	/* no entry seen: the exit alone, as strace shows it resumed */
	ck_assert_ptr_nonnull(strstr(json, "\"strace\":\"<... write resumed>) = 5\""));
}
END_TEST

static void setup(void)
{
	jlen = 0;
	json[0] = 0;
	fail_after = -1;
}

static Suite *suite(void)
{
	Suite *s = suite_create("trace_export");
	TCase *tc = tcase_create("export");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);	/* python3 starts slowly on a busy host */
	tcase_add_test(tc, checker_refuses_bad_json);
	tcase_add_test(tc, export_parses_and_has_tracks_slices_instants);
	tcase_add_test(tc, export_with_python_json);
	tcase_add_test(tc, sink_error_stops_the_export);
	tcase_add_test(tc, long_texts_stay_valid_json);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite(), CK_FORK_GETENV);
}
