/* The tick user space sees: clock_t counts (times(2), /proc) and AT_CLKTCK. */
#ifndef GLASS_UAPI_PARAM_H
#define GLASS_UAPI_PARAM_H

#define USER_HZ 100

#endif
