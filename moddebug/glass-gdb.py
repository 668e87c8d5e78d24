# gdb helpers for Glass. make copies this file next to glass as
# glass-gdb.py, which gdb loads by itself once the directory is trusted:
#   gdb -iex 'add-auto-load-safe-path /path/to/glass' ./glass
"""Glass kernel helpers: `task PID` selects a kernel task's thread."""
import gdb

IDLE_TID = 4194304      # gdb's thread id for idle (pid 0): kernel/include/glass/debug.h


def task_thread(pid):
    """The gdb thread of the kernel task pid, or None."""
    tid = IDLE_TID if pid == 0 else pid
    for t in gdb.selected_inferior().threads():
        if tid in (t.ptid[1], t.ptid[2]):
            return t
    return None


class TaskCommand(gdb.Command):
    """task PID: select the thread of kernel task PID (0 is idle).

gdb numbers threads its own way; Glass's thread ids are the task pids."""

    def __init__(self):
        super().__init__("task", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        try:
            pid = int(arg.strip(), 0)
        except ValueError:
            raise gdb.GdbError("usage: task PID")
        t = task_thread(pid)
        if t is None:
            raise gdb.GdbError("no task with pid %d" % pid)
        t.switch()
        gdb.execute("frame", from_tty)


TaskCommand()


def enable_memory_cache():
    """Let gdb read memory in 4 KiB lines: without a cached region, x/NNNxb
    asks the stub for one byte at a time. gdb drops the cache whenever the
    kernel resumes, so it never shows stale memory in all-stop mode."""
    gdb.execute("set mem inaccessible-by-default off")
    gdb.execute("mem 0x0 0x800000000000 cache")
    gdb.execute("set dcache line-size 4096")
    gdb.execute("set dcache size 4096")


enable_memory_cache()
