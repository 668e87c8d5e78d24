/* The oops report (kernel/diag/oops.c): what it says for each kind of
 * fault, the source lines of the frames, and the verdict — kill the task
 * and resume in make_task_dead(), or panic and why — with fakes of the
 * unwinder, the line tables and the task. */
#include <check.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_in_host.h"
#include <glass/layout.h>
#include <glass/module.h>
#include <glass/os.h>
#include <glass/os_upcalls.h>
#include <glass/sched.h>

#include "check_run.h"
#include "fakes.h"

/* oops.c's resume point (the rewritten ip; kernel/diag/diag.h). */
__noreturn void make_task_dead(int sig);

/* ---- fakes ---- */

static jmp_buf panicked;

int hardirq_depth;
struct task_struct init_task;
struct task_struct *current;
static struct task_struct task;
static char task_stack[THREAD_SIZE] __attribute__((aligned(16)));

void do_exit(int code)
{
	abort();        /* make_task_dead is only pointed at, never run here */
}

void *os_fault_context(void)
{
	return NULL;
}

/* Frames: the faulting function, then its caller; code addresses are
 * this test binary's own (glass's text), LIBC one outside it. */
static void fn_faulting(void) { }
static void fn_caller(void) { }
#define IP_FAULT ((unsigned long)fn_faulting + 0x10)
#define IP_CALLER ((unsigned long)fn_caller + 0x20)
#define LIBC_BASE 0x7f0000000000UL

static struct os_frame frames[4];
static int nr_frames;

int os_unwind(void *ctx, struct os_frame *f, int max)
{
	memcpy(f, frames, nr_frames * sizeof(*f));
	return nr_frames;
}

static unsigned long looked_up[8];
static int nr_looked_up;

bool os_addr_info(unsigned long ip, struct os_srcinfo *si)
{
	if (nr_looked_up < 8)
		looked_up[nr_looked_up++] = ip;
	memset(si, 0, sizeof(*si));
	if (ip >= (unsigned long)fn_faulting && ip < (unsigned long)fn_faulting + 0x40) {
		si->func = "pipe_read";
		si->off = ip - (unsigned long)fn_faulting;
		si->size = 0x40;
		si->file = "/build/glass/kernel/fs/pipe.c";
		si->line = 129;
		return true;
	}
	if (ip >= (unsigned long)fn_caller && ip < (unsigned long)fn_caller + 0x40) {
		si->func = "os_write";
		si->off = ip - (unsigned long)fn_caller;
		si->size = 0x40;
		si->file = "/build/glass/kernel/os/hostfile.c";
		si->line = 44;
		return true;
	}
	return false;
}

int os_host_library(unsigned idx, const char **path, unsigned long *addr)
{
	if (idx)
		return -ENOENT;
	*path = "/lib/x86_64-linux-gnu/libc.so.6";
	*addr = LIBC_BASE;
	return 0;
}

/* A loaded module, buggy, whose .text holds buggy_write at +0x40. */
#define MOD_TEXT 0x60000000UL
#define IP_MODULE (MOD_TEXT + 0x5d)
static struct module_section mod_sections[] = {
	{ ".text", MOD_TEXT, 0x100 },
	{ ".modinfo", 0, 0x20 },        /* not loaded */
	{ ".data", MOD_TEXT + 0x1000, 0x10 },
	{ ".bss", MOD_TEXT + 0x1010, 0 },
};
static struct module mod = {
	.name = "buggy", .image_path = "/tmp/uml/u/module-buggy.ko",
	.sections = mod_sections, .nr_sections = ARRAY_SIZE(mod_sections),
};
static struct {
	unsigned long lo, hi, ip, text;
	const char *path;
} mod_lookup;

struct module *__module_address(unsigned long addr)
{
	return addr >= MOD_TEXT && addr < MOD_TEXT + 0x100 ? &mod : NULL;
}

const char *module_address_lookup(unsigned long addr, unsigned long *off,
				  unsigned long *size, const char **modname)
{
	if (!__module_address(addr) || addr < MOD_TEXT + 0x40)
		return NULL;
	*off = addr - MOD_TEXT - 0x40;
	*size = 0x80;
	*modname = mod.name;
	return "buggy_write";
}

const struct module_section *module_find_section(const struct module *m, const char *name)
{
	for (unsigned i = 0; i < m->nr_sections; i++)
		if (!strcmp(m->sections[i].name, name))
			return &m->sections[i];
	return NULL;
}

/* The .ko's line tables: the lines of buggy.c, if asked the right way. */
bool os_module_addr_info(const char *name, const char *path, unsigned long lo,
			 unsigned long hi, os_section_addr_t section_addr, const void *ctx,
			 unsigned long ip, struct os_srcinfo *si)
{
	mod_lookup.lo = lo;
	mod_lookup.hi = hi;
	mod_lookup.ip = ip;
	mod_lookup.path = path;
	mod_lookup.text = section_addr(ctx, ".text");
	memset(si, 0, sizeof(*si));
	si->file = "/src/buggy/buggy.c";
	si->line = ip == IP_MODULE ? 53 : 0;
	return true;
}

/* ---- the tests ---- */

static struct os_fault_regs regs;

static void setup(void)
{
	fake_panic_return = &panicked;
	fake_printk[0] = '\0';
	fake_panic_msg[0] = '\0';
	hardirq_depth = 0;
	nr_looked_up = 0;
	memset(&task, 0, sizeof(task));
	task.pid = task.tgid = 7;
	strcpy(task.comm, "cat");
	task.stack = task_stack;
	current = &task;
	memset(&regs, 0, sizeof(regs));
	regs.ip = IP_FAULT;
	regs.sp = (unsigned long)task_stack + 1000;
	frames[0] = (struct os_frame){ .ip = IP_FAULT };
	frames[1] = (struct os_frame){ .ip = IP_CALLER };
	nr_frames = 2;
}

static int fault(int sig, unsigned long addr)
{
	if (setjmp(panicked))
		return -1;
	return kernel_fault(sig, 1, addr, &regs);
}

#define LOG_HAS(s) ck_assert_msg(strstr(fake_printk, s), "log lacks \"%s\":\n%s", s, fake_printk)

START_TEST(null_dereference_in_a_task_kills_it)
{
	unsigned long top = (unsigned long)task_stack + THREAD_SIZE;

	ck_assert_int_eq(fault(11, 0x8), OOPS_RESUME);
	LOG_HAS("BUG: kernel NULL pointer dereference, address: 0000000000000008\n");
	LOG_HAS("Oops: SIGSEGV (si_code 1, fault address 0x8)");
	LOG_HAS("CPU: 0 PID: 7 Comm: cat\n");
	/* The hidden frame: the faulting line itself, tree-relative. */
	LOG_HAS("IP: pipe_read+0x10/0x40 at kernel/fs/pipe.c:129\n");
	LOG_HAS(" #0 [<");
	LOG_HAS("] pipe_read+0x10/0x40 (kernel/fs/pipe.c:129)\n");
	/* A return address: its line is the call's (ip - 1). */
	LOG_HAS("] os_write+0x20/0x40 (kernel/os/hostfile.c:44)\n");
	ck_assert(looked_up[1] == IP_CALLER - 1 || looked_up[2] == IP_CALLER - 1);
	LOG_HAS("---[ end trace: killing task 7 (cat) ]---");
	/* It leaves through make_task_dead(SIGSEGV) on top of its stack. */
	ck_assert_uint_eq(regs.ip, (unsigned long)make_task_dead);
	ck_assert_uint_eq(regs.di, 11);
	ck_assert_uint_eq(regs.sp, (top & ~15UL) - 8);
	ck_assert_uint_eq(regs.bp, 0);
	ck_assert_str_eq(fake_panic_msg, "");
}
END_TEST

START_TEST(the_fault_kinds_are_named)
{
	fault(11, 0x12345000);
	LOG_HAS("BUG: unable to handle page fault for address: 0000000012345000\n");
	setup();
	fault(4, IP_FAULT);
	LOG_HAS("BUG: invalid opcode at ");
	setup();
	fault(11, STACK_AREA + STACK_SLOT + 8);     /* a slot starts with its gap */
	LOG_HAS("BUG: kernel stack overflow in task 7 (cat): guard gap hit at ");
	setup();
	/* int3: the ip is past the instruction, so its line is ip - 1. */
	regs.ip = frames[0].ip = IP_FAULT + 1;
	fault(5, IP_FAULT);
	LOG_HAS("BUG: int3 with no debugger attached at ");
	ck_assert_uint_eq(looked_up[0], IP_FAULT);
	LOG_HAS("IP: pipe_read+0x11/0x40 at kernel/fs/pipe.c:129\n");
}
END_TEST

/* A host signal on the CPU thread (glibc's abort, kill -ABRT) is reported
 * with where the CPU was, and never blamed on a task. */
START_TEST(sigabrt_panics_with_a_report)
{
	ck_assert_int_eq(fault(6, 0), -1);
	LOG_HAS("BUG: SIGABRT on the CPU thread (an abort in a host call, or kill -ABRT)\n");
	LOG_HAS("] pipe_read+0x10/0x40 (kernel/fs/pipe.c:129)\n");
	ck_assert_str_eq(fake_panic_msg, "Aborted: SIGABRT on the CPU thread");
}
END_TEST

/* A fault in module code is kernel code: the task is killed, and the
 * report names the function, [module] and the line from the module's
 * .ko, placed where the loader put its sections. */
START_TEST(a_fault_in_a_module_names_it)
{
	regs.ip = frames[0].ip = IP_MODULE;
	ck_assert_int_eq(fault(11, 0), OOPS_RESUME);
	LOG_HAS("IP: buggy_write+0x1d/0x80 [buggy] at /src/buggy/buggy.c:53\n");
	LOG_HAS("] buggy_write+0x1d/0x80 [buggy] (/src/buggy/buggy.c:53)\n");
	LOG_HAS("] os_write+0x20/0x40 (kernel/os/hostfile.c:44)\n");
	/* The loaded range, without .modinfo (at 0) and the empty .bss. */
	ck_assert_uint_eq(mod_lookup.lo, MOD_TEXT);
	ck_assert_uint_eq(mod_lookup.hi, MOD_TEXT + 0x1010);
	ck_assert_uint_eq(mod_lookup.text, MOD_TEXT);
	ck_assert_str_eq(mod_lookup.path, "/tmp/uml/u/module-buggy.ko");
	LOG_HAS("---[ end trace: killing task 7 (cat) ]---");
}
END_TEST

/* Each panic in a test of its own: a panic never returns, so the report's
 * nesting guard stays armed after one. */
static const char *const panics[] = {
	"Fatal exception in host code (a host library or kernel/os)",  /* libc */
	"Fatal exception in host code (a host library or kernel/os)",  /* kernel/os */
	"Fatal exception in interrupt",
	"Attempted to kill the idle task!",
	"Attempted to kill init!",
};

START_TEST(host_code_interrupts_idle_and_init_panic)
{
	switch (_i) {
	case 0:         /* in libc: a host lock may be held */
		regs.ip = frames[0].ip = LIBC_BASE + 0x1234;
		break;
	case 1:
		regs.ip = IP_CALLER;
		break;
	case 2:
		hardirq_depth = 1;
		break;
	case 3:
		current = &init_task;
		break;
	case 4:
		task.pid = task.tgid = 1;
		break;
	}
	ck_assert_int_eq(fault(11, 0), -1);
	ck_assert_str_eq(fake_panic_msg, panics[_i]);
	if (_i == 0) {
		LOG_HAS("IP: libc.so.6+0x1234, in a host library\n");
		LOG_HAS("] libc.so.6+0x1234 (host library)\n");
	}
	if (_i == 2)
		LOG_HAS("Comm: cat (in interrupt)");
}
END_TEST

START_TEST(a_broken_stack_ends_the_trace)
{
	frames[1] = (struct os_frame){ .ip = 0, .broken = true };
	frames[2] = (struct os_frame){ .ip = IP_CALLER };
	nr_frames = 3;
	fault(11, 0);
	LOG_HAS(" #1 (the stack cannot be read further)\n");
	ck_assert_ptr_null(strstr(fake_printk, " #2 "));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("oops");
	TCase *tc = tcase_create("report");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, null_dereference_in_a_task_kills_it);
	tcase_add_test(tc, the_fault_kinds_are_named);
	tcase_add_loop_test(tc, host_code_interrupts_idle_and_init_panic, 0,
			    sizeof(panics) / sizeof(panics[0]));
	tcase_add_test(tc, a_broken_stack_ends_the_trace);
	tcase_add_test(tc, sigabrt_panics_with_a_report);
	tcase_add_test(tc, a_fault_in_a_module_names_it);
	suite_add_tcase(s, tc);
	return check_run(s, CK_FORK_GETENV);
}
