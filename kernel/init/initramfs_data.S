/* The built-in initramfs (Linux's CONFIG_INITRAMFS_SOURCE). */
	.section .rodata
	.globl initramfs_start, initramfs_end
	.balign 16
initramfs_start:
	.incbin "build/initramfs.cpio"
initramfs_end:
	.section .note.GNU-stack, "", @progbits
