/*
 * The ptproxy wire protocol (ptproxy/wire.c) and /proc path
 * classification (ptproxy/procpath.c): round trips, partial input, and
 * every malformed header or out-of-range argument refused.
 */
#include <check.h>
#include <string.h>

#include <glass/errno.h>
#include <ptproxy/procpath.h>
#include <ptproxy/wire.h>
#include "check_run.h"

static u8 buf[PTP_HDR_LEN + PTP_MAX_PAYLOAD + 16];

static struct ptp_msg msg(u32 op, s64 a0, s64 a1, s64 a2)
{
	struct ptp_msg m = { .op = op, .seq = 7, .args = { a0, a1, a2 } };

	return m;
}

START_TEST(roundtrip_with_payload)
{
	static const u8 regs[216] = { 1, 2, 3, [215] = 0xee };
	struct ptp_msg m = msg(PTP_PTRACE, 13 /* SETREGS */, 42, 0), d;

	m.args[4] = sizeof(regs);
	m.payload = regs;
	m.len = sizeof(regs);
	ck_assert_int_eq(ptp_encode(buf, sizeof(buf), &m), PTP_HDR_LEN + 216);
	ck_assert_int_eq(ptp_decode(buf, PTP_HDR_LEN + 216, &d), PTP_HDR_LEN + 216);
	ck_assert_uint_eq(d.op, PTP_PTRACE);
	ck_assert_uint_eq(d.seq, 7);
	ck_assert_int_eq(d.args[0], 13);
	ck_assert_int_eq(d.args[1], 42);
	ck_assert_int_eq(d.args[4], 216);
	ck_assert_uint_eq(d.len, 216);
	ck_assert(d.payload == buf + PTP_HDR_LEN);
	ck_assert_mem_eq(d.payload, regs, 216);
}
END_TEST

START_TEST(header_is_little_endian)
{
	struct ptp_msg m = msg(PTP_WAIT | PTP_REPLY, 0x0102030405060708LL, 0, 0), d;

	m.seq = 0x11223344;
	ck_assert_int_eq(ptp_encode(buf, sizeof(buf), &m), PTP_HDR_LEN);
	ck_assert_uint_eq(buf[0], PTP_WAIT);
	ck_assert_uint_eq(buf[3], 0x80);
	ck_assert_uint_eq(buf[4], 0x44);
	ck_assert_uint_eq(buf[8], 0x08);
	ck_assert_uint_eq(buf[15], 0x01);
	m.args[1] = -14;
	ptp_encode(buf, sizeof(buf), &m);
	ck_assert_int_eq(ptp_decode(buf, PTP_HDR_LEN, &d), PTP_HDR_LEN);
	ck_assert_int_eq(d.args[1], -14);
}
END_TEST

START_TEST(partial_input_needs_more)
{
	static const u8 data[100];
	struct ptp_msg m = msg(PTP_VM_WRITE, 42, 0x400000, 0), d;

	m.payload = data;
	m.len = sizeof(data);
	ck_assert_int_eq(ptp_encode(buf, sizeof(buf), &m), PTP_HDR_LEN + 100);
	for (size_t n = 0; n < PTP_HDR_LEN + 100; n++)
		ck_assert_int_eq(ptp_decode(buf, n, &d), 0);
	/* Two messages back to back: the first is taken alone. */
	memcpy(buf + PTP_HDR_LEN + 100, buf, PTP_HDR_LEN);
	ck_assert_int_eq(ptp_decode(buf, 2 * PTP_HDR_LEN + 100, &d), PTP_HDR_LEN + 100);
}
END_TEST

START_TEST(encode_limits)
{
	struct ptp_msg m = msg(PTP_VM_WRITE, 42, 0, 0);

	m.payload = buf;
	m.len = PTP_MAX_PAYLOAD + 1;
	ck_assert_int_eq(ptp_encode(buf, sizeof(buf), &m), -EMSGSIZE);
	m.len = 10;
	ck_assert_int_eq(ptp_encode(buf, PTP_HDR_LEN + 9, &m), -ENOSPC);
	m = msg(PTP_OP_MAX, 0, 0, 0);
	ck_assert_int_eq(ptp_encode(buf, sizeof(buf), &m), -EINVAL);
}
END_TEST

/* A request encoded by hand (the encoder refuses what is invalid). */
static long decode_raw(const struct ptp_msg *m, u32 reserved)
{
	struct ptp_msg d;

	memset(buf, 0, PTP_HDR_LEN);
	for (int i = 0; i < 4; i++) {
		buf[i] = m->op >> (8 * i);
		buf[56 + i] = m->len >> (8 * i);
		buf[60 + i] = reserved >> (8 * i);
	}
	for (int a = 0; a < PTP_NARGS; a++)
		for (int i = 0; i < 8; i++)
			buf[8 + 8 * a + i] = (u64)m->args[a] >> (8 * i);
	return ptp_decode(buf, sizeof(buf), &d);
}

START_TEST(decode_refuses_malformed)
{
	struct ptp_msg ok = msg(PTP_KILL, 42, 42, 9), m;

	ck_assert_int_eq(decode_raw(&ok, 0), PTP_HDR_LEN);
	ck_assert_int_eq(decode_raw(&ok, 1), -EPROTO);
	m = ok;
	m.op = 0;
	ck_assert_int_eq(decode_raw(&m, 0), -EPROTO);
	m.op = PTP_OP_MAX;
	ck_assert_int_eq(decode_raw(&m, 0), -EPROTO);
	m.op = PTP_EV_STOP | PTP_REPLY;
	ck_assert_int_eq(decode_raw(&m, 0), -EPROTO);
	m = ok;
	m.len = PTP_MAX_PAYLOAD + 1;
	m.op = PTP_VM_WRITE;
	ck_assert_int_eq(decode_raw(&m, 0), -EPROTO);
}
END_TEST

START_TEST(decode_checks_arguments)
{
	static const struct {
		struct ptp_msg m;
		bool ok;
	} cases[] = {
		{ { .op = PTP_HELLO, .args = { PTP_VERSION } }, true },
		{ { .op = PTP_HELLO, .args = { 0 } }, false },
		{ { .op = PTP_PTRACE, .args = { 16, 42 } }, true },
		{ { .op = PTP_PTRACE, .args = { -1, 42 } }, false },
		{ { .op = PTP_PTRACE, .args = { 16, 0x80000000LL } }, false },
		{ { .op = PTP_PTRACE, .args = { 0x4204, 42, 2, 0, 4096, PTP_IO_IOVEC } }, true },
		{ { .op = PTP_PTRACE, .args = { 0x4204, 42, 2, 0, 4096, 2 } }, false },
		{ { .op = PTP_PTRACE, .args = { 12, 42, 0, 0, PTP_MAX_PAYLOAD + 1 } }, false },
		{ { .op = PTP_PTRACE, .args = { 13, 42, 0, 0, 8 }, .len = 9 }, false },
		{ { .op = PTP_WAIT, .args = { -1, 0x40000000 } }, true },
		{ { .op = PTP_WAIT, .args = { -1, -1 } }, false },
		{ { .op = PTP_WAITID, .args = { 4, 0, 0 } }, false },
		{ { .op = PTP_VM_READ, .args = { 42, 0x1000, PTP_MAX_PAYLOAD } }, true },
		{ { .op = PTP_VM_READ, .args = { 42, 0x1000, PTP_MAX_PAYLOAD + 1 } }, false },
		{ { .op = PTP_VM_READ, .args = { 0, 0x1000, 8 } }, false },
		{ { .op = PTP_KILL, .args = { 0, 42, 64 } }, true },
		{ { .op = PTP_KILL, .args = { 0, 42, 65 } }, false },
		{ { .op = PTP_KILL, .args = { 0, 0, 9 } }, false },
		{ { .op = PTP_PROC, .args = { 42, 42, PTP_PROC_EXE } }, true },
		{ { .op = PTP_PROC, .args = { 42, 42, PTP_PROC_MAX } }, false },
		{ { .op = PTP_EV_STOP }, true },
		{ { .op = PTP_VM_READ | PTP_REPLY, .args = { -14 } }, true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg((decode_raw(&cases[i].m, 0) == PTP_HDR_LEN) == cases[i].ok,
			      "case %zu", i);
}
END_TEST

static enum ptp_path_kind kind(const char *path, int *pid, int *tid)
{
	struct ptp_path p;
	enum ptp_path_kind k = ptp_parse_proc_path(path, strlen(path) + 1, &p);

	ck_assert_int_eq(k, p.kind);
	*pid = p.pid;
	*tid = p.tid;
	return k;
}

START_TEST(proc_paths)
{
	int pid, tid;

	ck_assert_int_eq(kind("/proc/42/task/43/mem", &pid, &tid), PTP_PATH_MEM);
	ck_assert_int_eq(pid, 42);
	ck_assert_int_eq(tid, 43);
	ck_assert_int_eq(kind("/proc/42/mem", &pid, &tid), PTP_PATH_MEM);
	ck_assert_int_eq(tid, 42);
	ck_assert_int_eq(kind("/proc/7/exe", &pid, &tid), PTP_PATH_EXE);
	ck_assert_int_eq(kind("/proc/7/status", &pid, &tid), PTP_PATH_STATUS);
	ck_assert_int_eq(kind("/proc/7/stat", &pid, &tid), PTP_PATH_STAT);
	ck_assert_int_eq(kind("/proc/7/maps", &pid, &tid), PTP_PATH_MAPS);
	ck_assert_int_eq(kind("/proc/7/task/9/comm", &pid, &tid), PTP_PATH_COMM);
	ck_assert_int_eq(tid, 9);
	ck_assert_int_eq(kind("/proc/7/task", &pid, &tid), PTP_PATH_TASKDIR);
	ck_assert_int_eq(kind("/proc/7/task/", &pid, &tid), PTP_PATH_TASKDIR);
	ck_assert_int_eq(kind("/proc/7/ns/mnt", &pid, &tid), PTP_PATH_NS_MNT);
	ck_assert_int_eq(kind("/proc/7/task/8/ns/pid", &pid, &tid), PTP_PATH_NS_PID);
	ck_assert_int_eq(tid, 8);
	ck_assert_int_eq(kind("/proc/self/mem", &pid, &tid), PTP_PATH_OTHER);
	ck_assert_int_eq(kind("/proc/07/mem", &pid, &tid), PTP_PATH_OTHER);
	ck_assert_int_eq(kind("/proc/0/mem", &pid, &tid), PTP_PATH_OTHER);
	ck_assert_int_eq(kind("/proc/2147483648/mem", &pid, &tid), PTP_PATH_OTHER);
	ck_assert_int_eq(kind("/proc/42", &pid, &tid), PTP_PATH_OTHER);
	ck_assert_int_eq(kind("/proc/42/memx", &pid, &tid), PTP_PATH_OTHER);
	ck_assert_int_eq(kind("/proc/42/cmdline", &pid, &tid), PTP_PATH_OTHER);
	ck_assert_int_eq(kind("/proc/42/task/43", &pid, &tid), PTP_PATH_OTHER);
	ck_assert_int_eq(kind("/etc/passwd", &pid, &tid), PTP_PATH_OTHER);
	ck_assert_int_eq(kind("proc/42/mem", &pid, &tid), PTP_PATH_OTHER);
}
END_TEST

START_TEST(proc_path_bounded)
{
	struct ptp_path p;

	/* len cuts "/proc/42/mems" to "/proc/42/mem": nothing read past it. */
	ck_assert_int_eq(ptp_parse_proc_path("/proc/42/mems", 12, &p), PTP_PATH_MEM);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ptproxy_wire");
	TCase *tc = tcase_create("wire");

	tcase_add_test(tc, roundtrip_with_payload);
	tcase_add_test(tc, header_is_little_endian);
	tcase_add_test(tc, partial_input_needs_more);
	tcase_add_test(tc, encode_limits);
	tcase_add_test(tc, decode_refuses_malformed);
	tcase_add_test(tc, decode_checks_arguments);
	tcase_add_test(tc, proc_paths);
	tcase_add_test(tc, proc_path_bounded);
	suite_add_tcase(s, tc);
	return check_run(s, CK_FORK_GETENV);
}
