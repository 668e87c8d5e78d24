# Breaking in with ^C (SIGINT to gdb, as a user's ^C): while the CPU
# thread waits in the event loop, while it waits for a spinning guest, and
# while a kernel thread spins (inject spin) — the monitor thread answers
# even then. monitor runs mconsole's commands; a safe-point command works
# when the stop caught the CPU in its event loop, and says why it cannot
# otherwise.
# glass: gdb inject=1 init=/bin/sh -- -c 'mount -t devtmpfs d /dev; mount -t proc p /proc; sleep 1; echo ready; sleep 3; (while :; do :; done) & exec sleep 100'
# wait: ready
# expect: in epoll_wait \(
# expect: ^MemTotal: +[0-9]+ kB
# expect: received signal SIGINT
# expect: #[0-9]+ +(0x[0-9a-f]+ in )?(wait_stopped|handoff|os_guest_run) \(
# expect: 'proc' needs the kernel at a safe point
# expect: inject_spin_fn \(unused=0x0\) at kernel/debug/inject\.c
# expect: Thread [0-9]+ "inject_spin" \(R \(on the CPU\)\)
# expect: PID  PPID S WCHAN
# expect: [0-9]+ +[0-9]+ S hrtimer_nanosleep +[0-9]+ sleep
# expect: ^task 1 \((sh|sleep)\) state S
# expect: #[0-9]+ 0x[0-9a-f]+ schedule\+0x
# expect: Commands:
set pagination off
set confirm off
# connected while the kernel idles: a safe point
bt 2
monitor help
monitor proc meminfo
monitor bt 1
# the guest starts spinning: the CPU waits for it on the hand-off futex
shell (sleep 4; kill -INT $PPID) >/dev/null 2>&1 &
continue
bt 6
monitor proc meminfo
# a kernel thread that never yields, injected through mconsole
shell (sleep 1; uml_mconsole $(dirname $GLASS_GDB)/mconsole inject spin; sleep 1; kill -INT $PPID) >/dev/null 2>&1 &
continue
bt 2
info threads
monitor ps
detach
