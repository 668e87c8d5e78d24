/*
 * The host boundary (rule host-boundary). Everything here is implemented in
 * kernel/os/ and is the only way kernel code reaches the host. Functions
 * return 0 or a value >= 0 on success and -errno (Linux values) on failure.
 * All run on the CPU thread unless the comment says otherwise.
 */
#ifndef GLASS_OS_H
#define GLASS_OS_H

#include <glass/types.h>
#include <glass/ptrace.h>

/* --- process life --- */
__noreturn void os_exit(int status);
__noreturn void os_abort(void);
/* Re-execute glass with its original command line (reboot). */
__noreturn void os_reexec(void);
/* Is this image a reboot's re-exec? (Files it writes go on, not afresh.) */
bool os_rebooted(void);

/* --- gcov (kernel/os/gcov.c): CPU thread, or the exits --- */
struct gcov_info;
/* Write the .gcda of every record on the chain from root: to its own
 * path (dir NULL) or under dir. Files written, or -errno and the path
 * that failed in failed. */
int os_gcov_dump(const struct gcov_info *root, const char *dir, char *failed,
		 size_t size);
/* The chain os_exit, os_abort and os_reexec dump first (root's target
 * may change later: it is read then). */
void os_gcov_at_exit(struct gcov_info *const *root);
void os_flush_console(void);
long os_getpid(void);

/* --- faults in kernel code (kernel/os/fault.c) --- */
struct os_fault_regs {
	u64 ip, sp, bp, ax, bx, cx, dx, si, di, r8, r9, r10, r11, r12, r13, r14, r15;
	u64 flags, err, trapno;
};
int os_fault_init(void);
/* The fault handler calls kernel_fault() (glass/os_upcalls.h) with these. */
/* CPU thread, in the fault handler: the fault's ucontext (for os_unwind),
 * NULL outside a fault. */
void *os_fault_context(void);

/* --- backtraces and source lines (kernel/os/unwind.c: libunwind, libdw) ---
 * CPU thread only (libdw allocates and locks: never the monitor thread). */
struct os_frame {
	unsigned long ip;
	bool signal_frame;      /* the frame after it was interrupted: exact ip */
	bool broken;            /* the walk ended on an unreadable frame */
};
struct os_srcinfo {
	const char *func;       /* symbol, or NULL */
	unsigned long off, size;
	const char *file;       /* source file, or NULL */
	int line;
	const char *module;     /* glass or the host library's path */
};
/* Read glass's line tables for os_addr_info, in a thread of their own,
 * once: the idle loop starts it, or else the first lookup. */
void os_symbolize_start(void);
/* Frames from ctx (os_fault_context()) or, when NULL, from the caller. */
int os_unwind(void *ctx, struct os_frame *f, int max);
/* libdw, for glass's own code: its tables are loaded at boot. (Host
 * libraries are not looked up: malloc's lock may be held by the faulting
 * code, and their debug info is large.) */
bool os_addr_info(unsigned long ip, struct os_srcinfo *si);
/* The same for an address in a loaded module (kernel/os/module_lines.c),
 * from its .ko at path, placed in [lo, hi): section_addr(ctx, NAME) gives
 * where the loader put section NAME, or 0. si's strings stay valid until
 * the next call for another module. */
typedef unsigned long (*os_section_addr_t)(const void *ctx, const char *name);
bool os_module_addr_info(const char *name, const char *path, unsigned long lo,
			 unsigned long hi, os_section_addr_t section_addr, const void *ctx,
			 unsigned long ip, struct os_srcinfo *si);
/* Host time passing: sleep on the CPU thread (panic=N). */
void os_sleep_ns(u64 ns);

/* --- the debug trap (kernel/os/trap.c) ---
 * SIGTRAP on the CPU thread is the one debug entry: int3, a single step
 * (TF), a hardware watchpoint (perf event) and a stop the monitor asked
 * for (os_cpu_interrupt). The handler calls debug_trap() (kernel/debug)
 * with the interrupted registers held until it returns. */
enum os_trap_kind {
	OS_TRAP_INT3,           /* addr: the int3's address (rip - 1) */
	OS_TRAP_STEP,           /* a single step finished */
	OS_TRAP_WATCH,          /* slot: the os_hw_break slot that fired */
	OS_TRAP_REQUEST,        /* os_cpu_interrupt() from the monitor */
	OS_TRAP_OTHER,          /* a stray SIGTRAP */
};
struct os_trap {
	enum os_trap_kind kind;
	int code;               /* si_code */
	int slot;
	unsigned long addr;
	bool safe_point;        /* it interrupted the event loop's host wait */
};
/*
 * The interrupted registers, as the host saved them (x86-64): the general
 * registers by name, the x87/SSE state in FXSAVE's terms, fs_base. The
 * debugger's layout of them is kernel/debug/regs.c's business.
 */
struct os_regs {
	u64 rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rip, eflags;
	u16 cs, ss, fs, gs;     /* selectors */
	u64 fs_base;
	bool has_fp;            /* the state below is there (and written back) */
	u16 fcw, fsw;           /* x87 control and status words */
	u16 ftw;                /* abridged tag: bit i set, st(i) is in use */
	u16 fop;                /* last x87 opcode */
	u64 fip, fdp;           /* last x87 instruction and operand addresses */
	u32 mxcsr;
	u8 st[8][10];           /* st0-st7, 80 bits each */
	u8 xmm[16][16];
};
/* Inside debug_trap() or a fault's report (os_fault_context), on the CPU
 * thread or, while it is parked there, the monitor thread: the
 * interrupted registers. A set writes back the general registers,
 * rip, eflags and (has_fp) fcw, fsw, mxcsr, st and xmm; the selectors,
 * fs_base and the x87 tag and pointers are read-only. */
void os_trap_get_regs(struct os_regs *regs);
void os_trap_set_regs(const struct os_regs *regs);
void os_trap_set_step(bool step);       /* TF on return */
/* CPU thread, parked: run the `syscall` instruction at the trap's rip as
 * the CPU would (rax, rcx, r11, rip updated), for a step over it where no
 * debug register fires. -EAGAIN: not emulable here (a clone with its own
 * stack), the caller single-steps with TF instead. */
int os_trap_emulate_syscall(void);
/* Any thread: a stop request to the CPU thread (SIGTRAP by tgkill). */
void os_cpu_interrupt(void);
/* The guest whose stub runs now (0 if none), for the stop's SIGSTOP. */
void os_guest_pause(void);
void os_guest_unpause(void);
/* Park helpers: the CPU waits in os_park_wait() until os_park_poke(). */
void os_park_wait(void);
void os_park_poke(void);
/* The monitor thread's wake-up: the CPU parked or left a park. */
void os_monitor_wake(void);

/* --- glass's own process (kernel/os/self.c) --- */
/* Any thread: memory through /proc/self/mem, so a bad address is an
 * error, never a fault. Bytes done (short at an unreadable page), or
 * -EFAULT when none. Writes reach read-only text (int3). */
long os_mem_read(unsigned long addr, void *buf, unsigned long len);
long os_mem_write(unsigned long addr, const void *buf, unsigned long len);
/* The host shared libraries glass runs on (a snapshot from boot). */
int os_host_library(unsigned idx, const char **path, unsigned long *addr);

/* --- hardware breakpoints (kernel/os/hw_breakpoint.c) ---
 * On the CPU thread: type 0 exec, 1 write, 3 read or write; len 1, 2, 4
 * or 8. Perf-event debug registers where they fire; otherwise (os_features)
 * a watchpoint is the watched page's protection (kernel/os/watch.c), and
 * an exec breakpoint -ENODEV. */
#define OS_HW_SLOTS 4
int os_hw_break_set(int slot, int type, unsigned long addr, int len);
void os_hw_break_clear(int slot);

/* --- test hooks for inject=1 (kernel/os/inject.c) --- */
/* A host call that never returns (inject hang-host). */
void os_inject_hang(void);
/* libc's strlen, for inject libc-fault: a fault inside a host library. */
unsigned long os_inject_strlen(const char *s);

/* --- host features (kernel/os/probe.c), probed once ---
 * Each is 0 when it works, else -errno saying why not (-ENODEV: opens but
 * never fires; -ECANCELED: turned off on the command line). The debug
 * registers are OS_UNPROBED until os_hw_breakpoints() first asks the host
 * (it costs ms on some hosts, so not at every start); the others are
 * probed at start-up. */
#define OS_UNPROBED 1
#define OS_PROBING 2
struct os_features {
	int hw_breakpoints;     /* perf-event debug registers that trap */
	int seccomp_notify;     /* seccomp user notification */
};
extern struct os_features os_features;
void os_probe_host(void);
int os_hw_breakpoints(void);

/* --- the core file's memory (kernel/os/core.c) --- */
struct os_mem_seg {
	u64 start, end;
	u32 prot;               /* ELF PF_R 4, PF_W 2, PF_X 1 */
	bool shared;
	bool file;              /* backed by a host file (or memfd) */
};
/* The mappings of the glass process a core holds (not host files' code). */
int os_core_segments(struct os_mem_seg *segs, int max);
/* Write a segment's memory to fd at off; all-zero pages stay holes. */
int os_core_write_mem(int fd, u64 off, const struct os_mem_seg *s);
/* The glass process's host threads (/proc/self/task): tid and comm. The
 * CPU thread's tid is the process id. Count, or -errno. */
struct os_host_thread {
	long tid;
	char comm[16];
};
int os_host_threads(struct os_host_thread *t, int max);

/* --- the umid directory (kernel/os/umid.c) --- */
/* Create and lock <uml_dir>/<umid>; on failure a one-line message in err. */
int os_umid_setup(const char *uml_dir, const char *umid, char *err,
		  unsigned long errlen, char *out_umid, unsigned long umidlen);
const char *os_umid_dir(void);
void os_umid_keep(void);        /* keep it after exit (panic) */
void os_umid_cleanup(void);

/* --- module memory in MODULE_AREA (kernel/os/module.c) --- */
#define OS_PROT_READ 1
#define OS_PROT_WRITE 2
#define OS_PROT_EXEC 4
/* Map [addr, addr + len) of MODULE_AREA anonymous and read-write. */
int os_module_map(unsigned long addr, unsigned long len);
/* Set its protection (OS_PROT_* bits); unmap it with os_unmap. */
int os_module_protect(unsigned long addr, unsigned long len, int prot);
/* A copy of a module image at <umid dir>/module-NAME.ko, for gdb to
 * read; its path into path. Removed by os_umid_remove_module and by the
 * umid clean-up. */
int os_umid_save_module(const char *name, const void *image, unsigned long len,
			char *path, unsigned long pathlen);
void os_umid_remove_module(const char *name);
/* A new empty file <umid dir>/exe-PID (a guest program's copy that a host
 * debugger opens, kernel/proc/ptproxy.c), its path into path: its fd, or
 * -errno. Removed by the umid clean-up. */
int os_umid_create_exe(int pid, char *path, unsigned long pathlen);

/* --- physmem: one memfd, mapped once at PHYSMEM_BASE --- */
int os_physmem_init(unsigned long size);
/* Map physmem [off, off+len) at addr in the glass process (kernel stacks). */
int os_physmem_map(unsigned long addr, unsigned long off, unsigned long len);
int os_unmap(unsigned long addr, unsigned long len);
/* Give physmem [off, off+len) its host pages now, in one call: faulting
 * them in one by one costs several times more. Best effort. */
void os_physmem_populate(unsigned long off, unsigned long len);
/* The same for Glass's own memory under [addr, addr+len) (.bss, the
 * heap): a structure about to be written across several pages then costs
 * one call, not a host page fault (20-40 µs on a VM) per page. */
void os_populate(void *addr, unsigned long len);
/* Copy len bytes of kernel memory at src to physmem at off with the host
 * kernel doing the copy, Glass's process touching neither side (src in
 * Glass's own image is read from its executable file). 0 or -errno. */
int os_physmem_write(unsigned long off, const void *src, unsigned long len);

/* --- time --- */
u64 os_monotonic_ns(void);
/* os_monotonic_ns() when main() began: boot timings count from there. */
u64 os_start_ns(void);
u64 os_realtime_ns(void);
u64 os_thread_cputime_ns(void);

/* --- guest address spaces (kernel/os/guest.c, stub in arch/x86_64/stub) --- */

/* One queued host mapping change; the stub applies a batch of these. */
/* STUB_MMAP_POPULATE: MAP_POPULATE too (pages a fault is about to use:
 * the host fills its page tables in the mmap, not one fault each). */
/* STUB_MUNMAP_ALL: everything below TASK_SIZE (addr and len unused): a
 * stub made ready for another mm (os_stub_park). */
enum stub_op_type { STUB_MMAP = 1, STUB_MUNMAP, STUB_MPROTECT, STUB_MMAP_POPULATE,
		    STUB_MUNMAP_ALL };
struct stub_op {
	u32 type;
	u32 prot;       /* PROT_* bits as Linux's: 1 read, 2 write, 4 exec */
	u64 addr;
	u64 len;
	u64 off;        /* physmem offset for STUB_MMAP(_POPULATE) */
};

/*
 * The stub data area: STUB_DATA_PAGES physmem pages mapped at STUB_DATA in
 * the stub, read and written directly by the kernel. Guest code runs in
 * that process, so it can jump into any stub code and write any page the
 * stub can write; the layout follows from that:
 *
 *   [0, STUB_BATCH_SIZE)   struct stub_batch: the map/unmap/protect ops.
 *                          Read-only in the stub, written by the kernel
 *                          only; applied by the stub's mapper thread.
 *   STUB_HANDOFF_OFF       struct stub_data: the hand-off with the guest
 *                          thread's signal handler (guest-writable: the
 *                          kernel validates everything it reads here).
 *   then                   the start-up stack, and the sigaltstack (the
 *                          guest's signal frame, XSAVE image included,
 *                          while the guest is stopped; guest-writable).
 */
struct stub_batch {
	u32 seq;        /* futex word: the kernel bumps it to post a batch */
	u32 run;        /* 1: then hand the guest thread its turn (STUB_BUSY) */
	u64 nr_ops;
	struct stub_op ops[];
};
#define STUB_BATCH_PAGES 10
#define STUB_HANDOFF_OFF (STUB_BATCH_PAGES * 4096UL)
#define STUB_MAX_OPS \
	((STUB_HANDOFF_OFF - sizeof(struct stub_batch)) / sizeof(struct stub_op))
/* The mapper's confirmation pipe in the stub: one byte per batch, 0 or
 * the failing op's errno. Only the mapper thread may write it. */
#define STUB_ACK_FD 4

/* Whose turn it is (futex word `state`): the guest thread's, the kernel's,
 * or the mapper's (a posted batch that ends in STUB_BUSY, or in
 * STUB_STOPPED if it failed). */
enum stub_state { STUB_BUSY, STUB_STOPPED, STUB_MAPPING };
/* Or'ed into state by a side that sleeps on it (the kernel: STUB_KWAIT,
 * futex bitset 1; the guest thread: STUB_GWAIT, bitset 2): who changes
 * state owes that side a FUTEX_WAKE_BITSET. */
#define STUB_KWAIT 0x100u
#define STUB_GWAIT 0x200u
#define STUB_STATE(x) ((x) & 0xffu)
struct stub_data {
	u32 state;      /* enum stub_state | wait bits, the futex word */
	s32 mapper_tid; /* start-up: the mapper thread's host tid */
	/* The rest on other cache lines: the side that polls state keeps
	 * its line while the other writes the stop or the registers. */
	s32 signo __attribute__((aligned(64)));
			/* the stop: host signal number (SIGSYS: a syscall) */
	s32 code;       /* its si_code */
	u64 addr;       /* si_addr */
	u64 trapno, error_code;
	u64 fpstate;    /* stub address of its XSAVE image */
	u64 fs_base, gs_base;   /* what the stub last set (arch_prctl) */
	s32 placed_cpu; /* start-up: the host CPU both threads are pinned to,
			 * -1: none */
	struct pt_regs regs;
	u64 spin;       /* TSC cycles the guest thread polls state at its next
			 * stop before it sleeps: the kernel's guess */
	u64 resumed;    /* TSC when the guest thread last saw its turn */
	u64 stopped;    /* TSC when it gave the kernel its turn (its stop) */
	u64 resume_sp, resume_ip;       /* the guest's, for the stub's return
					 * without rt_sigreturn (stub.c) */
	u64 entry_sp;   /* the syscall entry's own rsp, between its calls */
};
/*
 * Trap-free syscalls (kernel/arch/x86_64/syscall_patch.c): a patched
 * site's trampoline jumps to the stub's syscall entry (STUB_SYSCALL_ENTRY,
 * glass/layout.h) with eax = the number and rcx = the return address, as
 * the syscall instruction leaves them; the entry saves the registers and
 * XSAVE image (in the top page of the sigaltstack) itself and stops as
 * SIGSYS with code STUB_SYSCALL_PATCHED, with no host syscall or signal.
 */
#define STUB_SYSCALL_PATCHED 0x5053
/* A stub parked for another mm (os_stub_park) stops as SIGSYS with code
 * STUB_PARKING when it reaches the park (a claim only: the kernel checks
 * the thread in the host), then, woken from there, STUB_PARKED once it has
 * reset its host state and found it clean. */
#define STUB_PARKING 0x504b
#define STUB_PARKED 0x5041
#define STUB_ENTRY_XSAVE_OFF (STUB_DATA_PAGES * 4096UL - 4096)
#define STUB_STACK_SIZE 4096            /* start-up stack */
#define STUB_SIGSTACK_SIZE (16UL << 10) /* signal frame incl. XSAVE image */
#define STUB_SIGSTACK_OFF (STUB_DATA_PAGES * 4096UL - STUB_SIGSTACK_SIZE)

/*
 * Stubs are forked by a template stub process (kernel/os/guest.c),
 * which glass execs once: it has done every set-up step a fork inherits
 * (the host's layout unmapped, no_new_privs, sigaltstack, handlers) and
 * holds nothing of any guest. Its area (a memfd of STUB_DATA_PAGES pages,
 * mapped at STUB_DATA like a stub's data area, the first part read-only
 * in it) carries a ring of requests from the kernel and the answers: each
 * new stub's pid, and the read end of its confirmation pipe, which the
 * template keeps open until the kernel has taken it (pidfd_getfd).
 */
#define STUB_SPAWN_RING 8
struct stub_spawn_req {         /* at 0: written by the kernel only */
	u32 seq;                /* futex word: requests posted */
	u32 taken;              /* answers the kernel has collected */
	u64 data_off[STUB_SPAWN_RING];  /* each new stub's data area */
	s32 cpu[STUB_SPAWN_RING];       /* the CPU to pin it to, -1: none */
};
struct stub_spawn_ans {         /* at STUB_HANDOFF_OFF: the template's */
	u32 done;               /* futex word: requests answered */
	s32 pid[STUB_SPAWN_RING];       /* the new stub, or -errno */
	s32 ack_fd[STUB_SPAWN_RING];    /* its pipe's read end, in the template */
};

/* Start a stub process whose data area is physmem [data_off, +DATA_PAGES)
 * (zeroed by the caller). Returns its host pid or -errno. */
int os_stub_spawn(unsigned long data_off);
/* The same in two steps: ask for the stub (0 or -errno: it is forked and
 * sets itself up meanwhile), then, when it is needed, wait until it is
 * ready: its pid or -errno. os_stub_init takes the stubs in the order
 * os_stub_start asked for them. */
int os_stub_start(unsigned long data_off);
int os_stub_init(unsigned long data_off);
/* Apply the batch in the stub's data area now (the guest stays stopped);
 * 0 or the failing op's -errno. os_guest_run applies a pending batch
 * itself before the guest runs. Either returns only once the mapper has
 * confirmed the batch: whatever it unmapped is unmapped. */
int os_stub_flush(int pid);
/* Kill the stub and wait until its threads are gone: afterwards no frame
 * it mapped is reachable through it. */
void os_stub_kill(int pid);
/*
 * Make a stub whose mm is gone ready for another mm instead of killing
 * it: the caller has queued STUB_MUNMAP_ALL as its whole batch. The guest
 * thread is run at STUB_PARK; the stub is kept only if, once it stopped,
 * the host shows that thread asleep on its futex at STUB_PARK_PC, from
 * where only the stub's own code runs, and then its data area is wiped.
 * 0: ready, its next os_guest_run starts the new mm's thread; -errno:
 * kill it (a guest that forged its last stop ends here).
 */
int os_stub_park(int pid);
/* The stub still exists (a parked one may have been killed meanwhile). */
bool os_stub_alive(int pid);

enum guest_stop_kind {
	GUEST_SYSCALL,  /* regs->orig_rax holds the number */
	GUEST_SIGNAL,   /* a fault or host signal: see signo, code, addr */
	GUEST_TICK,     /* its CPU time slice ran out */
	GUEST_GONE,     /* the host process died under us */
	GUEST_MM_FAILED,        /* the pending batch failed: nothing ran */
	GUEST_CORRUPT,  /* the guest wrote garbage into its hand-off page */
};
struct guest_stop {
	enum guest_stop_kind kind;
	int signo;
	int code;
	unsigned long addr;
	int trapno;     /* for SIGSEGV: 14 page fault, 13 GP */
	unsigned long error_code;       /* trapno 14: X86_PF_* bits */
};
/* x86 page-fault error code bits (the host's, passed through). */
#define X86_PF_WRITE 0x2
#define X86_PF_INSTR 0x10       /* an instruction fetch */
/* Apply the pending batch, load regs, let the guest run until it traps,
 * read regs back. Exactly one host round trip (a futex hand-off). */
int os_guest_run(int pid, struct pt_regs *regs, struct guest_stop *stop);
int os_guest_get_fpregs(int pid, void *buf, unsigned long size);
int os_guest_set_fpregs(int pid, const void *buf, unsigned long size);
unsigned long os_xstate_size(void);

/* Host round trips counted since boot (per kind, for tests and bench). */
extern unsigned long os_round_trips;
/* Spinning hand-offs (guest.c): polls of the word that saw the other
 * side's answer, and polls that ran out and slept; the kernel's and the
 * guest thread's. */
struct os_spin_stats {
	unsigned long kernel_hit, kernel_miss, guest_hit, guest_miss;
	unsigned long withdrawn;        /* budgets taken back (spin_withdraw) */
	unsigned long tries;            /* tries of spinning begun */
};
extern struct os_spin_stats os_spin_stats;

/* The CPU thread's home (cpu_home.c): pinned to one host CPU with the
 * stubs it hands off to, moved when that CPU keeps it waiting. At boot,
 * before the first stub; false: never pinned. */
void os_cpu_home_init(bool enable);
struct os_cpu_home_stats {
	int cpu;                /* the host CPU it is pinned to, -1: none */
	unsigned long moves;    /* homes left because they were busy */
};
extern struct os_cpu_home_stats os_cpu_home_stats;

/* --- the event loop (interrupts) --- */
typedef void (*irq_handler_t)(int fd, void *arg);
/* Watch fd for input; handler runs on the CPU thread from the event loop. */
int os_irq_add(int fd, irq_handler_t handler, void *arg);
void os_irq_del(int fd);
/* Each handler runs inside irq_enter()/irq_exit() (glass/os_upcalls.h). */
/* Wait for events or until timeout_ns passes (-1: forever), run handlers.
 * The only place the kernel blocks on the host. */
void os_idle_wait(s64 timeout_ns);
/* Run handlers of ready events without blocking. */
void os_poll_irqs(void);
/* Monitor thread: is the CPU thread blocked in the event loop right now? */
bool os_cpu_waiting(void);

/* --- the monitor thread and the mconsole socket (kernel/os/monitor.c) --- */
struct mc_client;
/* Before start_kernel: start the monitor thread (no socket yet). */
int os_monitor_init(void);
/* CPU thread, once: bind <umid dir>/mconsole (mode 0600) into path for
 * the monitor. Returns the fd the CPU thread watches (with os_irq_add)
 * for work the monitor queued, or -errno. */
int os_monitor_start(char *path, unsigned long len);
/* gdb's listening socket: "unix" or "tcp:PORT"; where: for target remote. */
int os_gdb_listen(const char *transport, char *where, unsigned long len);
/* Any thread: glass's own executable, an absolute path ("" if unknown). */
const char *os_exe_path(void);
/* An eventfd counting SIGUSR1s (consumed with os_monitor_ack), or -1. */
int os_sigusr1_fd(void);
/* Monitor thread: bytes to the gdb connection (dropped if it is gone). */
void os_gdb_send(const void *buf, unsigned long len);
/* Monitor thread: a report on glass's stderr (printk is CPU-thread code). */
void os_monitor_log(const char *s, unsigned long len);
/* Monitor thread: sleep a millisecond. */
void os_monitor_nap(void);
/* Monitor thread: wake the CPU thread's event loop. */
void os_monitor_kick(void);
/* CPU thread: consume the wake-ups on fd. */
void os_monitor_ack(int fd);
/* Either thread: one datagram to a client, from this thread's socket for
 * that client; waits for room in its queue only while the client reads
 * (50 ms without progress drops it; for a second after that, 2 ms), at
 * most a second on the monitor thread, 100 ms on the CPU thread. 0,
 * -EAGAIN when dropped, or -errno. */
int os_mconsole_send(const struct mc_client *to, const void *buf, unsigned long len);
/* CPU thread, at boot: a socket to send notifications to the unix
 * datagram socket at path (mconsole=notify:). Returns 0 or -errno. */
int os_mconsole_notify_open(const char *path);
/* Any thread (monitor too): one notification datagram; waits at most a
 * second for room. Returns 0, -ENOTCONN before notify_open, or -errno. */
int os_mconsole_notify(const void *buf, unsigned long len);

/* --- host files (console, initrd, hostfs, ubd) --- */
struct os_stat {
	u64 dev, ino, nlink, size, blocks;
	u32 mode, uid, gid;
	u64 rdev;
	s64 atime_sec, atime_nsec, mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
};
int os_open(const char *path, int flags, int mode);
int os_close(int fd);
long os_read(int fd, void *buf, unsigned long n);
long os_write(int fd, const void *buf, unsigned long n);
long os_pread(int fd, void *buf, unsigned long n, u64 off);
long os_pwrite(int fd, const void *buf, unsigned long n, u64 off);
int os_fstat(int fd, struct os_stat *st);
/* Whole ranges for block devices (ubd): a read stops only at end of file
 * and returns the count; a write returns 0 once every byte is written. */
long os_pread_all(int fd, void *buf, unsigned long n, u64 off);
int os_pwrite_all(int fd, const void *buf, unsigned long n, u64 off);
int os_stat(const char *path, struct os_stat *st, bool follow);
/* Lock the whole file for as long as fd is open (an open-file-description
 * lock, which UML's fcntl locks see): exclusive for writing, else shared.
 * 0, or -EAGAIN when another holder conflicts. */
int os_lock_file(int fd, bool excl);
/* Whole file into a buffer from os_alloc_host (freed with os_free_host). */
long os_read_file(const char *path, void **bufp);
int os_fd_is_tty(int fd);
int os_tty_set_raw(int fd);
void os_tty_restore(void);
int os_tty_winsize(int fd, u16 *rows, u16 *cols);
int os_fd_pollable(int fd);

/* --- console and serial-line channels (kernel/os/chan.c) --- */
/* A host pty in raw mode: the master fd; the slave's path into name. */
int os_pty_open(char *name, unsigned long len);
/* 1 if the other end of fd is gone (no slave open, peer closed). */
int os_fd_hung_up(int fd);
/* A listening TCP socket on 127.0.0.1:port (non-blocking). */
int os_tcp_listen(int port);
/* A waiting connection on a listening socket, or -EAGAIN. */
int os_accept(int fd);
/* <umid dir>/ptproxy, a listening unix stream socket, 0600 (kernel/os/ptproxy.c). */
int os_ptproxy_listen(void);
/* Write all of buf, waiting at most timeout_ms for room in all. */
long os_write_wait(int fd, const void *buf, unsigned long n, int timeout_ms);
/* Run xterm with a helper relaying between it and the pty slave; xterm's
 * pid (which leads its own process group) or -errno. */
int os_xterm_start(const char *title, const char *slave);
/* Start `xterm -e gdb glass -ex 'target remote ENDPOINT'` (config gdb=xterm). */
int os_spawn_gdb_xterm(const char *endpoint);
void os_kill_group(int pgid, int sig);

/* Path operations for hostfs (kernel/os/hostfs.c). */
int os_mkdir(const char *path, int mode);
int os_rmdir(const char *path);
int os_unlink(const char *path);
int os_rename(const char *from, const char *to);
int os_link(const char *from, const char *to);
int os_symlink(const char *target, const char *path);
int os_chmod(const char *path, int mode);
int os_truncate(const char *path, u64 size);
int os_ftruncate(int fd, u64 size);
int os_fsync(int fd);
int os_mknod(const char *path, int mode, u64 dev);
long os_readlink(const char *path, char *buf, unsigned long size);
int os_utimens(const char *path, s64 asec, long ansec, s64 msec, long mnsec);
int os_realpath(const char *path, char *out, unsigned long size);
long os_readdir(const char *path, long pos,
		bool (*fill)(void *ctx, const char *name, u64 ino, unsigned type),
		void *ctx);

/* --- the sampling profiler's timer (kernel/os/profile.c; profiling/) --- */
/* A sample of the CPU thread in kernel code: the interrupted pc, then the
 * return addresses the frame pointers lead to, innermost first. */
#define OS_SAMPLE_DEPTH 32
struct os_sample {
	u32 depth;
	unsigned long pc[OS_SAMPLE_DEPTH];
};
struct os_profile_stats {
	u64 idle;               /* samples that found the CPU idle */
	u64 dropped;            /* samples lost: buffer full, guest busy */
	u64 handler_ns;         /* time spent in the timer's signal handler */
	u64 guest_stop_ns;      /* from asking a guest to stop to its stop */
};
/* Set by the timer when a kernel sample is buffered or a guest sample is
 * due: the kernel collects them (profiling/profile.c) while current is
 * still the task they belong to. */
extern volatile int os_profile_pending;
/* Sample the CPU thread hz times a second of host time; no samples while
 * the kernel is stopped. With guest, a running guest is stopped to be
 * sampled (its stub's tick signal); with kernel, kernel code is sampled. */
int os_profile_start(unsigned int hz, bool kernel, bool guest);
void os_profile_stop(void);
/* The oldest buffered kernel sample into s; false when there is none
 * (then os_profile_pending is clear, unless a guest sample is due). */
bool os_profile_next(struct os_sample *s);
/* True once for each guest sample due: the guest stopped since, and its
 * registers are the ones to sample. */
bool os_profile_guest_due(void);
void os_profile_stats(struct os_profile_stats *st);

/* --- gprof (make PROFILE=1; kernel/os/gprof.c, mcount.c) --- */
/* The PC histogram profil() keeps of glass's text and the call-graph arcs
 * so far: 0; -ENOSYS in a build without -pg. CPU thread. */
struct gmon_hist;
struct gmon_arc;
int os_gprof_state(struct gmon_hist *h, const struct gmon_arc **arcs, u32 *nr_arcs);
/* Both back to zero: a fresh profile. */
void os_gprof_reset(void);

/* Host malloc, for memory that is not the guest's (command line copies,
 * initrd images before physmem exists). */
void *os_alloc_host(unsigned long size);
void os_free_host(void *p);

void os_random_bytes(void *buf, unsigned long n);
int os_gethostname(char *buf, unsigned long len);

#endif
