/*
 * h_request.c - request validation, as the driver calls it (ops.c: mdlb_dispatch_ioctl, dispatch_copied):
 * mdlb_check_malformed on any code, any input length and any bytes; mdlb_min_reply_size on the same; and, for a
 * request mdlb_check_malformed accepts, mdlb_check_parameters (its contract: a well-formed request).
 *
 * The request is placed so that it ends exactly where its array ends: a read past in_len is a read out of
 * bounds, which Eva reports. Eva is not relational, so the lengths a code's checks depend on are analysed one
 * by one (each its own state): 0..MDLB_EVA_SMALL for every code (every fixed size lies there), and
 * 0..MDLB_EVA_MAX_CHAIN + 8 for DESCRIBE_CHAIN, whose RangeCount is split too (where a count can match the
 * length: the matching value, and every value below and above it, as three states) so that Eva sees the
 * RangeCount that mdlb_check_malformed matched against in_len. Longer inputs, up to
 * one past the largest accepted request (WRITE_MAPPED with MDLB_MAX_TRANSFER bytes), are one state per code,
 * since no code reads more than its fixed part then.
 */
#include "eva_common.h"
#include "protocol.h"
#include <string.h>

#define MDLB_EVA_SMALL 72u /* past ALLOCATE_PAGES' 64 bytes, the largest fixed size */
#define MDLB_EVA_CHAIN_LENGTHS ((mdlb_u32)MDLB_EVA_MAX_CHAIN + 8u)

static mdlb_u8 small_buf[MDLB_EVA_CHAIN_LENGTHS];
static mdlb_u8 big_buf[MDLB_EVA_MAX_REQUEST + 1];

static void one(mdlb_u32 code, const mdlb_u8 *in, size_t in_len)
{
    size_t out_len = Frama_C_size_t_interval(0, (size_t)-1);
    mdlb_u32 st = mdlb_check_malformed(code, in, in_len, out_len);
    (void)mdlb_min_reply_size(code, in, in_len);
    if (st == 0) {
        /* As the driver does: only the bytes mdlb_request_copy_length keeps are looked at from here on. */
        mdlb_u32 kept = mdlb_request_copy_length(code, in, (mdlb_u32)in_len);
        (void)mdlb_check_parameters(code, in, kept);
    }
}

int main(void)
{
    int k = Frama_C_interval(0, MDLB_EVA_CODES + MDLB_EVA_UNKNOWN_SHAPES - 1);
    mdlb_u32 code, small;
    Frama_C_make_unknown((char *)small_buf, sizeof(small_buf));
    Frama_C_make_unknown((char *)big_buf, sizeof(big_buf));
    //@ split k;
    code = k < MDLB_EVA_CODES ? mdlb_eva_codes[k] : mdlb_eva_unknown_code(k - MDLB_EVA_CODES);
    small = code == IOCTL_MDLB_DESCRIBE_CHAIN ? MDLB_EVA_CHAIN_LENGTHS : MDLB_EVA_SMALL;
    if (any_bool()) {
        mdlb_u32 len = Frama_C_unsigned_int_interval(0, small);
        mdlb_u8 *in;
        //@ split len;
        in = small_buf + (sizeof(small_buf) - len);
        if (code == IOCTL_MDLB_DESCRIBE_CHAIN && len >= sizeof(MDLB_REQ_CHAIN) &&
            (len - sizeof(MDLB_REQ_CHAIN)) % sizeof(MDLB_CHAIN_RANGE) == 0) {
            /* RangeCount: the one value that matches len, or any other (below or above it). */
            mdlb_u32 match = (len - (mdlb_u32)sizeof(MDLB_REQ_CHAIN)) / (mdlb_u32)sizeof(MDLB_CHAIN_RANGE);
            mdlb_u32 count = match;
            int which = Frama_C_interval(0, 2);
            //@ split which;
            if (which == 1 && match > 0)
                count = Frama_C_unsigned_int_interval(0, match - 1);
            else if (which == 2)
                count = Frama_C_unsigned_int_interval(match + 1, 0xFFFFFFFFu);
            memcpy(in + MDLB_OFFSETOF(MDLB_REQ_CHAIN, RangeCount), &count, sizeof(count));
        }
        one(code, in, len);
        /* The I/O manager passes no buffer at all for an empty input. */
        if (len == 0)
            one(code, NULL, 0);
    } else {
        mdlb_u32 len = Frama_C_unsigned_int_interval(small + 1, sizeof(big_buf));
        one(code, big_buf + (sizeof(big_buf) - len), len);
    }
    return 0;
}
