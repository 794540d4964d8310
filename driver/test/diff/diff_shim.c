/*
 * diff_shim.c - flat entry points over table.c and protocol.c for the Java differential test
 * (java/simulator: DifferentialTest). JNA calls the mdlb_check_* functions of table.c and protocol.c directly;
 * this file only adds what needs the C struct layouts (creating objects, reading and writing their fields,
 * filling mdlb_use / mdlb_limits / mdlb_mdl_view), so the Java side never hard-codes an offset of mdlb_obj
 * and keeps working while table.h grows fields.
 *
 * Host only: it is never linked into the driver.
 */
#include "table.h"
#include "protocol.h"
#include <stdlib.h>
#include <string.h>

static void *xalloc(size_t n) { return malloc(n); }
static void xfree(void *p) { free(p); }

mdlb_table *dt_new(void)
{
    mdlb_table *t = (mdlb_table *)malloc(sizeof(*t));
    if (t != NULL)
        mdlb_table_init(t, xalloc, xfree);
    return t;
}

void dt_delete(mdlb_table *t)
{
    if (t == NULL)
        return;
    mdlb_table_destroy(t);
    free(t);
}

/* The live object with this id, whatever its kind; NULL when none. */
mdlb_obj *dt_find(mdlb_table *t, mdlb_u32 id)
{
    mdlb_obj *o = NULL;
    (void)mdlb_table_lookup(t, id, 0xFFFFFFFFu, &o);
    return o;
}

/* mdlb_table_lookup without the out pointer: 0, STATUS_NOT_FOUND or STATUS_OBJECT_TYPE_MISMATCH. */
mdlb_u32 dt_lookup(mdlb_table *t, mdlb_u32 id, mdlb_u32 kinds)
{
    mdlb_obj *o;
    return mdlb_table_lookup(t, id, kinds, &o);
}

/* Inserts an object built from fields, as ops.c builds its proto; returns the id assigned (0: out of memory). */
mdlb_u32 dt_insert(mdlb_table *t, mdlb_u32 kind, mdlb_u32 state, mdlb_u32 parent, mdlb_u64 va, mdlb_u64 length,
                   mdlb_u32 nowrite)
{
    mdlb_obj proto, *o;
    memset(&proto, 0, sizeof(proto));
    proto.kind = kind;
    proto.state = state;
    proto.parent = parent;
    proto.va = va;
    proto.length = length;
    proto.nowrite = nowrite;
    o = mdlb_table_insert(t, &proto);
    return o ? o->id : 0;
}

void dt_remove(mdlb_table *t, mdlb_u32 id)
{
    mdlb_obj *o = dt_find(t, id);
    if (o != NULL)
        mdlb_table_remove(t, o);
}

mdlb_u32 dt_get_state(mdlb_table *t, mdlb_u32 id)
{
    mdlb_obj *o = dt_find(t, id);
    return o ? o->state : 0;
}

void dt_set_state(mdlb_table *t, mdlb_u32 id, mdlb_u32 state)
{
    mdlb_obj *o = dt_find(t, id);
    if (o != NULL)
        o->state = state;
}

/* The link counters of an object, in this order: user_mappings, partials, inheritors. */
void dt_counters(mdlb_table *t, mdlb_u32 id, mdlb_u32 *out3)
{
    mdlb_obj *o = dt_find(t, id);
    out3[0] = o ? o->user_mappings : 0;
    out3[1] = o ? o->partials : 0;
    out3[2] = o ? o->inheritors : 0;
}

/* mdlb_partial_state of the object with this id (0 when none). */
mdlb_u32 dt_partial_state(mdlb_table *t, mdlb_u32 id, int source_mapped)
{
    mdlb_obj *o = dt_find(t, id);
    return o ? mdlb_partial_state(o, source_mapped) : 0;
}

/* The id of mdlb_driver_pages_of (0: none). */
mdlb_u32 dt_driver_pages_of(mdlb_table *t, mdlb_u32 id)
{
    mdlb_obj *o = dt_find(t, id), *p;
    if (o == NULL)
        return 0;
    p = mdlb_driver_pages_of(t, o);
    return p ? p->id : 0;
}

mdlb_u32 dt_next_id(mdlb_table *t) { return t->next_id; }
void dt_set_next_id(mdlb_table *t, mdlb_u32 next) { t->next_id = next; }

/* The id of the next object to release (0: empty table); *phase receives MDLB_REL_*. */
mdlb_u32 dt_next_release(mdlb_table *t, int *phase)
{
    mdlb_obj *o = mdlb_table_next_release(t, phase);
    return o ? o->id : 0;
}

/* mdlb_release_mappings of the object with this id (0 when none). */
mdlb_u32 dt_release_mappings(mdlb_table *t, mdlb_u32 id, int phase)
{
    mdlb_obj *o = dt_find(t, id);
    return o ? mdlb_release_mappings(o, phase) : 0;
}

mdlb_u32 dt_kernel_range(mdlb_table *t, mdlb_u64 va, mdlb_u64 len)
{
    mdlb_obj *o = mdlb_table_kernel_range(t, va, len);
    return o ? o->id : 0;
}

/* mdlb_use and mdlb_limits as flat arrays, in declaration order (use: 9 values, limits: 6). */
static void to_use(mdlb_use *u, const mdlb_u64 *a)
{
    u->objects = (mdlb_u32)a[0];
    u->mdls = (mdlb_u32)a[1];
    u->mappings = (mdlb_u32)a[2];
    u->kernel_buffers = (mdlb_u32)a[3];
    u->locked_bytes = a[4];
    u->kernel_buffer_bytes = a[5];
    u->page_bytes = a[6];
    u->pool_bytes = a[7];
    u->system_mapping_bytes = a[8];
}

static void from_use(mdlb_u64 *a, const mdlb_use *u)
{
    a[0] = u->objects;
    a[1] = u->mdls;
    a[2] = u->mappings;
    a[3] = u->kernel_buffers;
    a[4] = u->locked_bytes;
    a[5] = u->kernel_buffer_bytes;
    a[6] = u->page_bytes;
    a[7] = u->pool_bytes;
    a[8] = u->system_mapping_bytes;
}

static void to_limits(mdlb_limits *l, const mdlb_u64 *a)
{
    l->objects = (mdlb_u32)a[0];
    l->locked_bytes = a[1];
    l->kernel_buffer_bytes = a[2];
    l->page_bytes = a[3];
    l->pool_bytes = a[4];
    l->system_mapping_bytes = a[5];
}

mdlb_u32 dt_limit_check(const mdlb_u64 *handle_use, const mdlb_u64 *handle_limits, const mdlb_u64 *driver_use,
                        const mdlb_u64 *driver_limits, const mdlb_u64 *add)
{
    mdlb_use hu, du, a;
    mdlb_limits hl, dl;
    to_use(&hu, handle_use);
    to_use(&du, driver_use);
    to_use(&a, add);
    to_limits(&hl, handle_limits);
    to_limits(&dl, driver_limits);
    return mdlb_limit_check(&hu, &hl, &du, &dl, &a);
}

/* u += d (sign > 0) or u -= d, through mdlb_use_add / mdlb_use_sub; u is updated in place. */
void dt_use_apply(mdlb_u64 *u, const mdlb_u64 *d, int sign)
{
    mdlb_use a, b;
    to_use(&a, u);
    to_use(&b, d);
    if (sign > 0)
        mdlb_use_add(&a, &b);
    else
        mdlb_use_sub(&a, &b);
    from_use(u, &a);
}

void dt_default_limits(mdlb_u64 *handle6, mdlb_u64 *driver6)
{
    mdlb_limits h, d;
    mdlb_default_limits(&h, &d);
    handle6[0] = h.objects; handle6[1] = h.locked_bytes; handle6[2] = h.kernel_buffer_bytes;
    handle6[3] = h.page_bytes; handle6[4] = h.pool_bytes; handle6[5] = h.system_mapping_bytes;
    driver6[0] = d.objects; driver6[1] = d.locked_bytes; driver6[2] = d.kernel_buffer_bytes;
    driver6[3] = d.page_bytes; driver6[4] = d.pool_bytes; driver6[5] = d.system_mapping_bytes;
}

/* Number of u64 values describing one snapshot in dt_reply's 'snaps' array. */
#define DT_SNAP_FIELDS 16

/*
 * Writes a whole reply the way every op does: begin, status, object, value, the snapshots, then data_len bytes
 * of data (byte i = (i * 7 + 3) & 0xFF), finish. Per snapshot, 'snaps' holds: mdl_address, next, process,
 * mapped_system_va, start_va, size, flags, alloc_processor, byte_count, byte_offset, valid, kind, pfn_capacity,
 * role, object_id, has_pfns. All snapshots read 'pfns' (NULL allowed). copied[i] receives the PFNs snapshot i
 * copied; *data_at the data offset, or 0xFFFFFFFF when the data did not fit. Returns TotalSize.
 */
mdlb_u32 dt_reply(mdlb_u8 *buf, mdlb_u32 cap, mdlb_u32 fixed, mdlb_u32 pfn_start, mdlb_u32 pfn_max, mdlb_u32 status,
                  mdlb_u32 stage, mdlb_u32 detail, mdlb_u32 object_id, mdlb_u64 value, mdlb_u32 nsnaps,
                  const mdlb_u64 *snaps, const mdlb_u64 *pfns, mdlb_u32 data_len, mdlb_u32 *copied,
                  mdlb_u32 *data_at)
{
    MDLB_REQUEST_HEADER req;
    mdlb_reply r;
    mdlb_u32 i;
    mdlb_u8 *d;
    memset(&req, 0, sizeof(req));
    req.PfnStart = pfn_start;
    req.PfnMax = pfn_max;
    mdlb_reply_begin(&r, buf, cap, fixed, &req);
    mdlb_reply_status(&r, status, stage, detail);
    mdlb_reply_object(&r, object_id);
    mdlb_reply_value(&r, value);
    for (i = 0; i < nsnaps; i++) {
        const mdlb_u64 *s = snaps + (size_t)i * DT_SNAP_FIELDS;
        mdlb_mdl_view v;
        memset(&v, 0, sizeof(v));
        v.mdl_address = s[0];
        v.next = s[1];
        v.process = s[2];
        v.mapped_system_va = s[3];
        v.start_va = s[4];
        v.size = (mdlb_u16)s[5];
        v.flags = (mdlb_u16)s[6];
        v.alloc_processor = (mdlb_u16)s[7];
        v.byte_count = (mdlb_u32)s[8];
        v.byte_offset = (mdlb_u32)s[9];
        v.valid = (mdlb_u32)s[10];
        v.kind = (mdlb_u32)s[11];
        v.pfn_capacity = (mdlb_u32)s[12];
        v.pfns = s[15] ? pfns : NULL;
        copied[i] = mdlb_reply_snapshot(&r, &v, (mdlb_u32)s[13], (mdlb_u32)s[14]);
    }
    *data_at = 0xFFFFFFFFu;
    if (data_len) {
        d = (mdlb_u8 *)mdlb_reply_data(&r, data_len);
        if (d != NULL) {
            for (i = 0; i < data_len; i++)
                d[i] = (mdlb_u8)((i * 7u + 3u) & 0xFFu);
            *data_at = (mdlb_u32)(d - buf);
        }
    }
    return mdlb_reply_finish(&r);
}

/* ---- the DDI-coverage issue (spec12): the new object fields, and the limit computation ------------------- */

/* The pages' memory type of an MDL object (MDLB_MM_*); dt_insert leaves it 0 (MmNonCached), ops.c sets it. */
mdlb_u32 dt_get_cache_type(mdlb_table *t, mdlb_u32 id)
{
    mdlb_obj *o = dt_find(t, id);
    return o ? o->cache_type : 0;
}

void dt_set_cache_type(mdlb_table *t, mdlb_u32 id, mdlb_u32 cache_type)
{
    mdlb_obj *o = dt_find(t, id);
    if (o != NULL)
        o->cache_type = cache_type;
}

/* The 'mapping' link: MDL -> its kernel-mode or reserved mapping object, reserved mapping -> its reservation,
 * reservation -> the reserved mapping made in it. */
mdlb_u32 dt_get_mapping(mdlb_table *t, mdlb_u32 id)
{
    mdlb_obj *o = dt_find(t, id);
    return o ? o->mapping : 0;
}

void dt_set_mapping(mdlb_table *t, mdlb_u32 id, mdlb_u32 mapping)
{
    mdlb_obj *o = dt_find(t, id);
    if (o != NULL)
        o->mapping = mapping;
}

/*
 * mdlb_limits_configure over flat arrays: 'values13' by MDLB_LIMIT_NAME_* index (read where 'present' has the bit),
 * 'ram' in bytes (0: unknown). out15 receives the handle limits (objects, locked, kernel buffer, page allocation,
 * MDL pool, system mapping), the driver's in the same order, then max_handles, configured, clamped.
 */
void dt_limits_configure(mdlb_u32 present, const mdlb_u64 *values13, mdlb_u64 ram, mdlb_u64 *out15)
{
    mdlb_limit_config c;
    mdlb_limits_in_force f;
    mdlb_u32 i;
    memset(&c, 0, sizeof(c));
    c.present = present;
    for (i = 0; i < MDLB_LIMIT_NAME_COUNT; i++)
        c.value[i] = values13[i];
    mdlb_limits_configure(&c, ram, &f);
    out15[0] = f.handle.objects; out15[1] = f.handle.locked_bytes; out15[2] = f.handle.kernel_buffer_bytes;
    out15[3] = f.handle.page_bytes; out15[4] = f.handle.pool_bytes; out15[5] = f.handle.system_mapping_bytes;
    out15[6] = f.driver.objects; out15[7] = f.driver.locked_bytes; out15[8] = f.driver.kernel_buffer_bytes;
    out15[9] = f.driver.page_bytes; out15[10] = f.driver.pool_bytes; out15[11] = f.driver.system_mapping_bytes;
    out15[12] = f.max_handles;
    out15[13] = f.configured;
    out15[14] = f.clamped;
}
