/*
 * Kernel context switch. Only callee-saved registers need saving: every
 * switch happens inside a call to __switch_to from schedule().
 *
 * void __switch_to(unsigned long *prev_sp, unsigned long next_sp)
 */
	.text
	.globl __switch_to
	.type __switch_to, @function
__switch_to:
	.cfi_startproc
	/* CFI at every instruction, so gdb can unwind while stepping here.
	 * After the stack swap the same layout describes the next task. */
	pushq %rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbp, 0
	pushq %rbx
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbx, 0
	pushq %r12
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r12, 0
	pushq %r13
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r13, 0
	pushq %r14
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r14, 0
	pushq %r15
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r15, 0
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r15
	popq %r14
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r14
	popq %r13
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r13
	popq %r12
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r12
	popq %rbx
	.cfi_adjust_cfa_offset -8
	.cfi_restore %rbx
	popq %rbp
	.cfi_adjust_cfa_offset -8
	.cfi_restore %rbp
	ret
	.cfi_endproc
	.size __switch_to, . - __switch_to

/*
 * A new task's first switch "returns" here (arch_setup_kthread). rbp is
 * zero so that backtraces end at this frame.
 */
	.globl ret_from_kthread
	.type ret_from_kthread, @function
ret_from_kthread:
	.cfi_startproc
	.cfi_undefined rip
	xorl %ebp, %ebp
	andq $-16, %rsp
	call kthread_entry
	ud2
	.cfi_endproc
	.size ret_from_kthread, . - ret_from_kthread

	.section .note.GNU-stack, "", @progbits
