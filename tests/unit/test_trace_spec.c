/* The tracer's selection (kernel/trace/spec.c): sources, pid=, comm=,
 * follow, filter= by class and by name, both separators, bad words. */
#include <check.h>
#include <errno.h>
#include <string.h>

#define sigset_t kernel_sigset_t        /* the kernel's, beside libc's */
#include <glass/trace.h>
#undef sigset_t
#include <uapi/unistd.h>
#include "../../kernel/trace/spec.h"
#include "check_run.h"

static struct trace_spec spec;
static char err[256];

static int parse(const char *s)
{
	err[0] = '\0';
	return trace_spec_parse(s, &spec, err, sizeof(err));
}

static bool wants(unsigned long nr)
{
	return trace_spec_wants(&spec, nr);
}

START_TEST(sources_and_selectors)
{
	ck_assert_int_eq(parse("syscalls"), 0);
	ck_assert_uint_eq(spec.sources, TRACE_SYSCALLS);
	ck_assert(!spec.filtered && !spec.follow && !spec.pid && !spec.comm[0]);
	ck_assert(wants(__NR_getppid));
	/* The command's blanks and the command line's commas alike. */
	ck_assert_int_eq(parse("syscalls faults,sched pid=42 follow"), 0);
	ck_assert_uint_eq(spec.sources, TRACE_SYSCALLS | TRACE_FAULTS | TRACE_SCHED);
	ck_assert_int_eq(spec.pid, 42);
	ck_assert(spec.follow);
	ck_assert_int_eq(parse("syscalls,comm=t_trace,follow"), 0);
	ck_assert_str_eq(spec.comm, "t_trace");
	ck_assert_int_eq(spec.pid, 0);
}
END_TEST

START_TEST(filter_by_name_and_class)
{
	/* Items after filter= go on until a keyword. */
	ck_assert_int_eq(parse("syscalls filter=getppid,read follow"), 0);
	ck_assert(spec.filtered && spec.follow);
	ck_assert(wants(__NR_getppid) && wants(__NR_read));
	ck_assert(!wants(__NR_write) && !wants(__NR_openat));
	ck_assert_int_eq(parse("syscalls filter=file"), 0);
	ck_assert(wants(__NR_openat) && wants(__NR_stat) && wants(__NR_execve));
	ck_assert(!wants(__NR_read) && !wants(__NR_getppid));
	ck_assert_int_eq(parse("syscalls filter=%desc,%memory"), 0);
	ck_assert(wants(__NR_read) && wants(__NR_close) && wants(__NR_pipe2));
	ck_assert(wants(__NR_mmap) && wants(__NR_brk));
	ck_assert(!wants(__NR_getppid) && !wants(__NR_kill));
	ck_assert_int_eq(parse("syscalls filter=process,signal,ipc"), 0);
	ck_assert(wants(__NR_clone) && wants(__NR_execve) && wants(__NR_wait4));
	ck_assert(wants(__NR_kill) && wants(__NR_rt_sigaction) && wants(__NR_sigaltstack));
	ck_assert(wants(__NR_shmget) && wants(__NR_semop));
	ck_assert(!wants(__NR_read));
	/* Out of the table's range: never. */
	ck_assert(!wants(NR_syscalls) && !wants(~0UL));
}
END_TEST

START_TEST(classes_follow_the_table)
{
	ck_assert(trace_syscall_classes(__NR_openat) & TRACE_CLASS_FILE);
	ck_assert(trace_syscall_classes(__NR_openat) & TRACE_CLASS_DESC);
	ck_assert_uint_eq(trace_syscall_classes(__NR_getppid), 0);
	ck_assert_uint_eq(trace_syscall_classes(__NR_kill),
			  TRACE_CLASS_SIGNAL | TRACE_CLASS_PROCESS);
	ck_assert_uint_eq(trace_syscall_classes(__NR_shmat),
			  TRACE_CLASS_MEMORY | TRACE_CLASS_IPC);
	ck_assert_uint_eq(trace_syscall_classes(NR_syscalls), 0);
}
END_TEST

START_TEST(bad_words_say_what_is_wrong)
{
	static const struct {
		const char *spec, *msg;
	} bad[] = {
		{ "", "nothing to trace" },
		{ "pid=3", "nothing to trace" },
		{ "syscalls bogus", "unknown word 'bogus'" },
		{ "syscalls pid=0", "pid=0: not a pid" },
		{ "syscalls pid=-4", "not a pid" },
		{ "syscalls pid=12x", "not a pid" },
		{ "syscalls comm=", "comm=: a command name is 1 to 15 bytes" },
		{ "syscalls comm=0123456789abcdef", "1 to 15 bytes" },
		{ "syscalls pid=1 comm=sh", "pid= and comm=" },
		{ "faults filter=read", "filter= chooses syscalls" },
		{ "syscalls filter=nosuch", "'nosuch' is neither a syscall nor a class" },
		{ "syscalls filter=", "'' is neither" },
		{ "syscalls xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		  "is too long" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(parse(bad[i].spec) == -EINVAL, "'%s' accepted", bad[i].spec);
		ck_assert_msg(strstr(err, bad[i].msg), "'%s': '%s' lacks '%s'", bad[i].spec,
			      err, bad[i].msg);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("trace_spec");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, sources_and_selectors);
	tcase_add_test(tc, filter_by_name_and_class);
	tcase_add_test(tc, classes_follow_the_table);
	tcase_add_test(tc, bad_words_say_what_is_wrong);
	suite_add_tcase(s, tc);
	return check_run(s, CK_FORK_GETENV);
}
