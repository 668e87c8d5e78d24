# The sampling profiler from gdb's monitor (profiling/README.md): started
# while gdb holds the kernel at a safe point (no samples while stopped),
# then a guest spins in spin_here for 3 s while gdb lets the kernel run,
# and once the kernel idles again, a ^C and the profile: spin_here on top.
# glass: gdb init=/bin/sh -- -c 'mount -t hostfs none /mnt -o @PROGRAMS@; echo ready; sleep 2; /mnt/profload spin 3; exec sleep 100'
# wait: ready
# expect: profiling at 997 Hz \(all\)
# expect: ^ +[0-9]+ +[0-9]+\.[0-9]%  user +spin_here
# expect: samples: [0-9]+ \(idle [0-9]+\)
# expect: overhead: [0-9]+\.[0-9]+%
# guest: profload done
set pagination off
set confirm off
monitor profile start hz=997
shell (sleep 8; kill -INT $PPID) >/dev/null 2>&1 &
continue
monitor profile dump top
monitor profile status
monitor profile stop
detach
