# Time stands still while the kernel is stopped (rule explicit-stops in docs/DESIGN.md): a guest
# sampling CLOCK_MONOTONIC every 100 ms sees no gap from a 3 s stop.
# glass: gdb init=/bin/sh -- -c 'mount -t hostfs none /mnt -o @PROGRAMS@ && exec /mnt/monoclock 30'
# wait: monoclock ready
# guest: ^max_gap_ms ([0-9]{1,2}|[0-4][0-9]{2})[^0-9]
# expect: Inferior 1 \(Remote target\) detached
set pagination off
set confirm off
# connecting stopped the kernel; keep it stopped for 3 s
shell sleep 3
info threads
detach
