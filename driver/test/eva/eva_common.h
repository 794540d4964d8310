/*
 * eva_common.h - shared by the Eva harnesses (driver/test/eva). Each harness is a main() that Eva runs with
 * every input it does not fix left unknown, so "no alarm" means "no runtime error for any such input".
 */
#ifndef MDLB_EVA_COMMON_H
#define MDLB_EVA_COMMON_H

#include "__fc_builtin.h"
#include "mdlbridge.h"
#include <stddef.h>

static inline mdlb_u32 any_u32(void)
{
    return Frama_C_unsigned_int_interval(0u, 0xFFFFFFFFu);
}

static inline mdlb_u64 any_u64(void)
{
    mdlb_u64 v;
    Frama_C_make_unknown((char *)&v, sizeof(v));
    return v;
}

static inline int any_bool(void)
{
    return Frama_C_interval(0, 1);
}

/* Every control code the protocol defines; the harnesses add the unknown ones (mdlb_eva_unknown_code). */
static const mdlb_u32 mdlb_eva_codes[] = { MDLB_CONTROL_CODES };
#define MDLB_EVA_CODES ((int)(sizeof(mdlb_eva_codes) / sizeof(mdlb_eva_codes[0])))

/* A code the protocol does not define, in the shapes a caller can send: another device type (below or above
 * ours), or ours with a function code past the last one, for each access and method (shapes 2..17: one
 * interval each, so that no shape's interval contains a defined code). Eva keeps a value as an interval, so
 * "any u32 but the defined codes" is covered by these pieces, each analysed as its own state. */
static inline mdlb_u32 mdlb_eva_unknown_code(int shape)
{
    if (shape == 0)
        return Frama_C_unsigned_int_interval(0u, (MDLB_DEVICE_TYPE << 16) - 1u);
    if (shape == 1)
        return Frama_C_unsigned_int_interval((MDLB_DEVICE_TYPE + 1u) << 16, 0xFFFFFFFFu);
    shape -= 2;
    return MDLB_CTL(Frama_C_unsigned_int_interval(0x81Du, 0xFFFu), (mdlb_u32)(shape & 3), (mdlb_u32)(shape >> 2));
}
#define MDLB_EVA_UNKNOWN_SHAPES 18

/* The largest request the protocol accepts: WRITE_MAPPED with MDLB_MAX_TRANSFER data bytes. DESCRIBE_CHAIN
 * with MDLB_MAX_CHAIN_RANGES ranges is the largest of the rest. */
#define MDLB_EVA_MAX_REQUEST (sizeof(MDLB_REQ_TRANSFER) + MDLB_MAX_TRANSFER)
#define MDLB_EVA_MAX_CHAIN (sizeof(MDLB_REQ_CHAIN) + MDLB_MAX_CHAIN_RANGES * sizeof(MDLB_CHAIN_RANGE))

#endif
