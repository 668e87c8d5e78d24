# A hardware watchpoint (perf-event debug register) on a kernel variable:
# nr_tasks changes when the guest's loop forks.
# glass: gdb init=/bin/sh -- -c 'mount -t devtmpfs d /dev; (while :; do sleep 0.2; done) & sleep 1; echo ready; exec sleep 100'
# wait: ready
# expect: Hardware watchpoint 1: nr_tasks
# expect: Old value = [0-9]+
# expect: New value = [0-9]+
# expect: (copy_process|alloc_task|do_fork|kernel_clone|release_task|free_task)
set pagination off
set confirm off
watch nr_tasks
continue
bt 3
delete
detach
