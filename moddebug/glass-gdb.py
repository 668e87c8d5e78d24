# gdb helpers for Glass. make copies this file next to glass as
# glass-gdb.py, which gdb loads by itself once the directory is trusted:
#   gdb -iex 'add-auto-load-safe-path /path/to/glass' ./glass
"""Glass kernel helpers: `task PID` selects a kernel task's thread; a core
gets its threads named and its modules' symbols loaded."""
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


# ---- files ----
# Glass runs on gdb's own host (unix socket, 127.0.0.1, stdio), so its
# executable and host libraries are local files. With gdb's default sysroot
# "target:", every connect asks the stub for host I/O (vFile), which it
# does not offer, and gdb warns "remote target does not support file
# transfer"; a stub that offered it would make gdb copy every library
# through the connection, with a "can be slow" warning instead.
gdb.execute("set sysroot /", to_string=True)

# ---- cores (kernel/diag: panic and mconsole `core`) ----
# In a Glass core every kernel task is a thread whose LWP is its pid (idle
# is IDLE_TID). gdb shows no thread names from a core, so they are read
# from the task list in the core's memory and given to gdb's threads.
# glibc's own threads of the glass process (the CPU and monitor threads)
# are no kernel tasks: libthread_db would list them again as pthreads, so
# it is not used (this also applies to `gdb -p` on glass: threads are then
# LWPs).
# (An empty search path means the default one: a path with no library.)
gdb.execute("set libthread-db-search-path /nonexistent/glass-no-thread-db", to_string=True)

MAX_TASKS = 5000


def kernel_tasks():
    """[(tid, comm)] from init_task and task_list in the inferior's memory."""
    tasks = [(IDLE_TID, gdb.parse_and_eval("init_task")["comm"].string())]
    head = gdb.parse_and_eval("&task_list")
    off = int(gdb.parse_and_eval("&((struct task_struct *)0)->tasks").cast(
        gdb.lookup_type("long")))
    tptr = gdb.lookup_type("struct task_struct").pointer()
    pos = head["next"]
    init = int(gdb.parse_and_eval("&init_task").cast(gdb.lookup_type("long")))
    for _ in range(MAX_TASKS):
        if int(pos) == int(head) or int(pos) == 0:
            break
        addr = int(pos.cast(gdb.lookup_type("long"))) - off
        if addr != init:
            t = gdb.Value(addr).cast(tptr).dereference()
            tasks.append((int(t["pid"]), t["comm"].string()))
        pos = pos["next"]
    return tasks


def is_core():
    conn = gdb.selected_inferior().connection
    return conn is not None and conn.type == "core"


def name_threads():
    """Name each thread of a core after its kernel task; returns how many."""
    try:
        names = dict(kernel_tasks())
    except gdb.error:
        return 0
    n = 0
    for t in gdb.selected_inferior().threads():
        comm = names.get(t.ptid[1])
        if comm is not None:
            t.name = comm
            n += 1
    return n


class TasksCommand(gdb.Command):
    """glass-name-threads: name the threads of a Glass core after their tasks.

Runs by itself when a core is loaded; this is for doing it again."""

    def __init__(self):
        super().__init__("glass-name-threads", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        print("%d threads named" % name_threads())


TasksCommand()


# ---- modules in a core (live gdb needs none of this) ----
# Attached to a running Glass, gdb learns of modules from the stub's
# library list by itself (moddebug/README.md). A core has no such list:
# gdb's reader of Linux cores knows only the dynamic linker's. So the
# modules are read from the list in the core's memory, `modules`, and each
# .ko is added at the section addresses the loader chose, as Linux's
# lx-symbols does.
MAX_MODULES = 1024


def kernel_modules():
    """[(name, image_path, [(section, addr)])] from `modules` in memory."""
    head = gdb.parse_and_eval("&modules")
    mptr = gdb.lookup_type("struct module").pointer()
    off = int(gdb.parse_and_eval("&((struct module *)0)->list").cast(
        gdb.lookup_type("long")))
    mods = []
    pos = head["next"]
    for _ in range(MAX_MODULES):
        if int(pos) == int(head) or int(pos) == 0:
            break
        m = gdb.Value(int(pos.cast(gdb.lookup_type("long"))) - off).cast(mptr).dereference()
        secs = [(m["sections"][i]["name"].string(), int(m["sections"][i]["addr"]))
                for i in range(int(m["nr_sections"]))]
        mods.append((m["name"].string(), m["image_path"].string(), secs))
        pos = pos["next"]
    return mods


def load_module_symbols():
    """add-symbol-file every module of the core; returns how many."""
    try:
        mods = kernel_modules()
    except gdb.error:
        return 0
    n = 0
    for name, path, secs in reversed(mods):
        args = " ".join("-s %s %#x" % (sec, addr) for sec, addr in secs if addr)
        try:
            gdb.execute("add-symbol-file %s %s" % (path, args), to_string=True)
            n += 1
        except gdb.error as e:
            print("glass: module %s: %s" % (name, e))
    return n


class ModulesCommand(gdb.Command):
    """glass-modules: load the symbols of the modules a Glass core holds.

Runs by itself when a core is loaded. A live Glass needs no command: its
gdb stub lists modules as shared libraries."""

    def __init__(self):
        super().__init__("glass-modules", gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        print("%d modules loaded" % load_module_symbols())


ModulesCommand()


def core_opened():
    name_threads()
    load_module_symbols()


def _on_new_objfile(event):
    # Opening a core loads its shared libraries after its threads exist.
    if is_core() and not event.new_objfile.filename.endswith(".ko"):
        name_threads()


gdb.events.new_objfile.connect(_on_new_objfile)


def _core_path():
    import re
    m = re.search(r"core dump file:\s*`(.*)'", gdb.execute("info target", to_string=True))
    return m.group(1) if m else None


# `gdb ./glass CORE` opens the core before this script runs, with
# libthread_db still in use: open it again, now without.
if is_core():
    _path = _core_path()
    if _path:
        gdb.execute("core-file " + _path, to_string=True)
    core_opened()


def enable_memory_cache():
    """Let gdb read memory in 4 KiB lines: without a cached region, x/NNNxb
    asks the stub for one byte at a time. gdb drops the cache whenever the
    kernel resumes, so it never shows stale memory in all-stop mode."""
    gdb.execute("set mem inaccessible-by-default off")
    gdb.execute("mem 0x0 0x800000000000 cache")
    gdb.execute("set dcache line-size 4096")
    gdb.execute("set dcache size 4096")


enable_memory_cache()
