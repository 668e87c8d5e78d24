#!/bin/sh
# /init of Glass's default initramfs (busybox sh). Mounts the pseudo
# filesystems and gives the console a login-free shell.
export PATH=/sbin:/usr/sbin:/bin:/usr/bin

mount -t proc proc /proc || echo "init: cannot mount proc on /proc" >&2
mount -t tmpfs tmpfs /tmp || echo "init: cannot mount tmpfs on /tmp" >&2
# Glass registers its device filesystem as "devtmpfs", as Linux does.
mount -t devtmpfs devtmpfs /dev || echo "init: cannot mount devtmpfs on /dev" >&2

# The shell needs the console as its controlling tty for job control (^C,
# ^Z, fg). As on Linux, pid 1 starts without a session of its own, in
# process group 0 and without a controlling tty. busybox's `setsid -c`
# (run here in a child of pid 1, so setsid() succeeds) makes a new session
# and takes the console with ioctl(0, TIOCSCTTY, 1); sh then runs in it.
# The shell is not pid 1 itself: as on Linux, process groups whose
# parents are init count as orphaned, and ^Z does not stop their jobs.
# pid 1 stays behind, waits for the shell (reaping orphans meanwhile) and
# exits with its status, which ends Glass. `cttyhack` would not help: it
# looks for the real console in /sys or by VT/serial ioctls, none of
# which Glass has. With stdin not a terminal (a pipe or a file), sh just
# reads commands from it.
setsid -c sh
