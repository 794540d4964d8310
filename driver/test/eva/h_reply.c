/*
 * h_reply.c - the reply writer: mdlb_reply_begin, _status, _object, _value, _snapshot, _data, _finish, and
 * mdlb_pfn_window under _snapshot. Two entry points (run.sh analyses each with -main), because Eva is not
 * relational and each bound needs its own quantities analysed one value at a time (split):
 *
 * eva_reply_window: one snapshot of any MDL view into the real reply buffer (MDLB_REPLY_BUFFER_SIZE), with
 *   the view's PFN array exactly as long as its recorded capacity (so a read past the capacity is out of
 *   bounds): capacity 0..MDLB_EVA_WINDOW_PFNS and PfnStart 0..MDLB_EVA_WINDOW_PFNS + 1 one by one, every
 *   larger PfnStart as one state; the 'fixed' reservation, PfnMax and every field of the view any value.
 *
 * eva_reply_sequence: the driver's order of calls (begin, any of status/object/value, up to
 *   MDLB_EVA_SNAPSHOTS snapshots, data of any length, finish) into an output buffer that ends exactly where
 *   its array ends (so a write past 'cap' is out of bounds): every 'cap' from the 64-byte header to
 *   MDLB_EVA_CAP one by one, PFN capacities 0..MDLB_EVA_SEQ_PFNS, everything else any value.
 *   Not covered (README): a second snapshot after the first, and the caller's fill of the data that
 *   mdlb_reply_data reserved: Eva loses the relation between 'used' and 'cap' there and reports unknowns.
 */
#include "eva_common.h"
#include "protocol.h"
#include <string.h>

#define MDLB_EVA_WINDOW_PFNS 16u
#define MDLB_EVA_SEQ_PFNS 2u
#define MDLB_EVA_SNAPSHOTS 1
/* The header, the snapshots with every PFN MDLB_EVA_SEQ_PFNS allows, and 16 bytes of data, plus slack. */
#define MDLB_EVA_CAP (64u + MDLB_EVA_SNAPSHOTS * (96u + 8u * MDLB_EVA_SEQ_PFNS) + 24u)

static mdlb_u8 reply_buf[MDLB_REPLY_BUFFER_SIZE];
static mdlb_u8 out[MDLB_EVA_CAP];
static mdlb_u64 pfn_store[MDLB_EVA_WINDOW_PFNS];

void eva_reply_window(void)
{
    mdlb_u32 capacity = Frama_C_unsigned_int_interval(0, MDLB_EVA_WINDOW_PFNS);
    mdlb_u32 start = Frama_C_unsigned_int_interval(0, MDLB_EVA_WINDOW_PFNS + 2u);
    int none = any_bool();
    MDLB_REQUEST_HEADER req;
    mdlb_mdl_view v;
    mdlb_reply r;

    Frama_C_make_unknown((char *)pfn_store, sizeof(pfn_store));
    Frama_C_make_unknown((char *)&req, sizeof(req));
    Frama_C_make_unknown((char *)&v, sizeof(v));
    /* Split here, not in a helper: Eva merges a callee's splits when it returns. */
    //@ split capacity;
    //@ split start;
    //@ split none;
    if (start > MDLB_EVA_WINDOW_PFNS + 1u)
        start = Frama_C_unsigned_int_interval(MDLB_EVA_WINDOW_PFNS + 2u, 0xFFFFFFFFu);
    req.PfnStart = start;
    v.pfn_capacity = capacity;
    /* No PFN array (NULL), or one exactly 'capacity' long, as separate states. */
    v.pfns = none ? NULL : pfn_store + (MDLB_EVA_WINDOW_PFNS - capacity);
    mdlb_reply_begin(&r, reply_buf, sizeof(reply_buf),
                     Frama_C_unsigned_int_interval((mdlb_u32)sizeof(MDLB_REPLY_HEADER), sizeof(reply_buf)), &req);
    (void)mdlb_reply_snapshot(&r, &v, any_u32(), any_u32());
    (void)mdlb_reply_finish(&r);
}

void eva_reply_sequence(void)
{
    mdlb_u32 cap = Frama_C_unsigned_int_interval((mdlb_u32)sizeof(MDLB_REPLY_HEADER), MDLB_EVA_CAP);
    MDLB_REQUEST_HEADER req;
    mdlb_reply r;
    int i, snapshots = Frama_C_interval(0, MDLB_EVA_SNAPSHOTS);

    Frama_C_make_unknown((char *)pfn_store, sizeof(pfn_store));
    Frama_C_make_unknown((char *)out, sizeof(out)); /* the I/O manager's buffer still holds the caller's input */
    Frama_C_make_unknown((char *)&req, sizeof(req));
    //@ split cap;
    /* PfnStart 0: where the window starts inside the PFN array is eva_reply_window's part. */
    req.PfnStart = 0;
    mdlb_reply_begin(&r, out + (MDLB_EVA_CAP - cap), cap,
                     Frama_C_unsigned_int_interval((mdlb_u32)sizeof(MDLB_REPLY_HEADER), cap), any_bool() ? &req : NULL);
    if (any_bool())
        mdlb_reply_status(&r, any_u32(), any_u32(), any_u32());
    if (any_bool())
        mdlb_reply_object(&r, any_u32());
    if (any_bool())
        mdlb_reply_value(&r, any_u64());
    //@ split snapshots;
    for (i = 0; i < snapshots; i++) {
        mdlb_mdl_view v;
        Frama_C_make_unknown((char *)&v, sizeof(v));
        v.pfn_capacity = Frama_C_unsigned_int_interval(0, MDLB_EVA_SEQ_PFNS);
        v.pfns = pfn_store;
        (void)mdlb_reply_snapshot(&r, &v, any_u32(), any_u32());
        /* One state per byte count used so far: what follows is bounded by cap - used. */
        //@ split r.used;
    }
    if (any_bool())
        (void)mdlb_reply_data(&r, any_u32());
    (void)mdlb_reply_finish(&r);
}
