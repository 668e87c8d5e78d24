/* The stub executable, embedded so that glass is one file. */
	.section .rodata
	.globl stub_image, stub_image_end
	.balign 16
stub_image:
	.incbin "build/stub.elf"
stub_image_end:
	.section .note.GNU-stack, "", @progbits
