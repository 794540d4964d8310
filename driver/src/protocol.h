/*
 * protocol.h - request validation and reply packing for mdlbridge.h.
 *
 * Pure C: no kernel headers, so the same code runs in the driver and in the gcc host tests
 * (driver/test/host). Every byte count that comes from a caller is checked here before the driver uses it.
 */
#ifndef MDLB_PROTOCOL_H
#define MDLB_PROTOCOL_H

#include "mdlbridge.h"
#include <stddef.h>

/* PfnStart beyond any MDL Windows can build (4 GiB - 4 KiB unaligned spans 1,048,576 pages). */
#define MDLB_MAX_PFN_INDEX 0x100000u

/* The reply space an output buffer must offer for a code, before any PFN: header, every snapshot the code
 * writes, its fixed data. 0 for an unknown code or for the DIRECT pair (their output is the subject range). */
mdlb_u32 mdlb_min_reply_size(mdlb_u32 code, const void *in, size_t in_len);

/* Malformed-request checks in CONTRACT order. Returns 0 or the NTSTATUS the IRP fails with (unknown code,
 * input size, magic/version, output size). Object ids are checked later, against the table. */
mdlb_u32 mdlb_check_malformed(mdlb_u32 code, const void *in, size_t in_len, size_t out_len);

/* Parameter checks of a well-formed request. Returns 0 or MDLB_PARAM_*. */
mdlb_u32 mdlb_check_parameters(mdlb_u32 code, const void *in, size_t in_len);
/* How many bytes of a well-formed request the driver copies before acting on it: all of it, except the data of
 * a WRITE_MAPPED longer than MDLB_MAX_TRANSFER, which mdlb_check_parameters rejects from the fixed part alone. */
mdlb_u32 mdlb_request_copy_length(mdlb_u32 code, const void *in, mdlb_u32 in_len);

/* Checks on values the DDIs receive; exposed for the host tests. */
int mdlb_priority_ok(mdlb_u32 priority);
int mdlb_page_flags_ok(mdlb_u32 flags);

/* Pages spanned by [va, va + length): ADDRESS_AND_SIZE_TO_SPAN_PAGES. */
mdlb_u64 mdlb_span_pages(mdlb_u64 va, mdlb_u64 length);

/* The PFN slots an MDL allocated by someone else really holds, from the pages it spans and the Size the
 * allocator wrote. Windows (8-byte PFN_NUMBER) writes 48 + 8n (mod 65536, it wraps); Wine (4-byte
 * PFN_NUMBER) writes 48 + 4n, so only half as many 8-byte slots exist. Any other Size: 0 (copy nothing). */
/* The PFN width a 1-page MDL's Size shows: 8 (Windows x64), 4 (Wine's 32-bit PFN_NUMBER), 0 unknown. */
mdlb_u32 mdlb_pfn_width_from_one_page_size(mdlb_u16 size);
/* PFN slots (of 8 bytes, what snapshots copy) an MDL of this Size really holds, for a known PFN width. */
mdlb_u32 mdlb_pfn_capacity(mdlb_u16 size, mdlb_u64 spanned, mdlb_u32 pfn_width);
/* The same when the width is unknown: an ambiguous Size gives the reading that is safe for both widths. */
mdlb_u32 mdlb_pfn_capacity_from_size(mdlb_u16 size, mdlb_u64 spanned);

/* An MDL as the driver read it, with what is defined at this point. */
typedef struct mdlb_mdl_view {
    mdlb_u64 mdl_address;
    mdlb_u64 next;
    mdlb_u64 process;
    mdlb_u64 mapped_system_va;
    mdlb_u64 start_va;
    mdlb_u16 size;
    mdlb_u16 flags;
    mdlb_u16 alloc_processor;
    mdlb_u32 byte_count;
    mdlb_u32 byte_offset;
    mdlb_u32 valid;        /* MDLB_VALID_*: invalid fields are written as 0 */
    mdlb_u32 kind;         /* MDLB_KIND_* */
    mdlb_u32 pfn_capacity; /* recorded at allocation */
    const mdlb_u64 *pfns;  /* the MDL's PFN array (or a copy), at least pfn_capacity entries */
} mdlb_mdl_view;

/* A reply being written into the caller's output buffer. */
typedef struct mdlb_reply {
    mdlb_u8 *buf;
    mdlb_u32 cap;
    mdlb_u32 used;
    mdlb_u32 owed;         /* bytes still promised to later fixed parts (snapshot headers, data) */
    mdlb_u32 pfn_start;
    mdlb_u32 pfn_max;
} mdlb_reply;

/* Zeroes the whole buffer, then writes the header. 'fixed' is mdlb_min_reply_size(); cap >= fixed. */
void mdlb_reply_begin(mdlb_reply *r, void *buf, mdlb_u32 cap, mdlb_u32 fixed, const MDLB_REQUEST_HEADER *req);
void mdlb_reply_status(mdlb_reply *r, mdlb_u32 status, mdlb_u32 stage, mdlb_u32 detail);
void mdlb_reply_object(mdlb_reply *r, mdlb_u32 object_id);
void mdlb_reply_value(mdlb_reply *r, mdlb_u64 value);
/* Appends one snapshot with its PFN window. Returns the PFNs copied. Snapshots precede data. */
mdlb_u32 mdlb_reply_snapshot(mdlb_reply *r, const mdlb_mdl_view *v, mdlb_u32 role, mdlb_u32 object_id);
/* Reserves len bytes of data (8-aligned start); returns where to write them, NULL when they do not fit. */
void *mdlb_reply_data(mdlb_reply *r, mdlb_u32 len);
/* Writes TotalSize; returns it (IoStatus.Information). */
mdlb_u32 mdlb_reply_finish(mdlb_reply *r);

/* Windows' rule of the PFN window, exposed for the tests. */
mdlb_u32 mdlb_pfn_window(mdlb_u32 spanned, mdlb_u32 capacity, mdlb_u32 start, mdlb_u32 max, mdlb_u32 space_bytes);

#endif
