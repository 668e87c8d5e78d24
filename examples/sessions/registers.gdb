# Registers of the interrupted kernel: the general, segment and fs_base
# registers, the x87 control word and tag, SSE's mxcsr, and writes to a
# general register and an xmm register read back from Glass (the register
# cache flushed). At os_idle_wait's entry r11 and xmm15 hold nothing the
# kernel needs: both are call-clobbered and carry no argument.
# glass: gdb init=/bin/sh -- -c 'echo ready; exec sleep 100'
# wait: ready
# expect: Breakpoint 1, os_idle_wait \(
# expect: ^rip +0x[0-9a-f]+ +0x[0-9a-f]+ <os_idle_wait>
# expect: ^cs +0x33 +51
# expect: ^ss +0x2b +43
# expect: ^fs_base +0x[0-9a-f]{6,} +[0-9]+
# expect: ^fctrl +0x37f +895
# expect: ^ftag +0xffff +65535
# expect: ^\$1 = 0x1f80$
# expect: ^\$2 = 0x1122334455667788$
# expect: ^\$3 = 0x8877665544332211$
set pagination off
set confirm off
break os_idle_wait
continue
delete
info registers rip cs ss fs_base fctrl ftag
p/x $mxcsr
set $r11 = 0x1122334455667788
set $xmm15.v2_int64[1] = 0x8877665544332211
maint flush register-cache
p/x $r11
p/x $xmm15.v2_int64[1]
detach
