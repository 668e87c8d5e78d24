#!/bin/sh
# /init of Glass's default initramfs (busybox sh). Mounts the pseudo
# filesystems and gives the console a login-free shell.
export PATH=/sbin:/usr/sbin:/bin:/usr/bin

mount -t proc proc /proc || echo "init: cannot mount proc on /proc" >&2
mount -t tmpfs tmpfs /tmp || echo "init: cannot mount tmpfs on /tmp" >&2
# Glass registers its device filesystem as "devtmpfs", as Linux does.
mount -t devtmpfs devtmpfs /dev || echo "init: cannot mount devtmpfs on /dev" >&2

# The shell needs the console as its controlling tty for job control (^C,
# ^Z, fg). The kernel starts us as a session leader on the console.
# - If the console is already our controlling tty (/dev/tty opens), pid 1
#   simply becomes the shell: it then also reaps orphans, as init must.
# - Otherwise busybox 1.35's `setsid -c` (setsid() failing for a session
#   leader makes it vfork and wait, the child calls setsid() and then
#   ioctl(0, TIOCSCTTY, 1)) gives the shell a session with the console as
#   its controlling tty. `cttyhack` would not help: it looks for the real
#   console in /sys or by VT/serial ioctls, none of which Glass has.
# With stdin not a terminal (a pipe or a file), either way sh just reads
# commands from it.
if (: </dev/tty) 2>/dev/null; then
	exec sh
fi
exec setsid -c sh
