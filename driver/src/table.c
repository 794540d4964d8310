/*
 * table.c - see table.h. Pure C, shared by the driver and the host tests.
 */
#include "table.h"
#include <string.h>

#define GROW_STEP MDLB_TABLE_GROW_SLOTS

void mdlb_table_init(mdlb_table *t, mdlb_alloc_fn alloc, mdlb_free_fn free_fn)
{
    memset(t, 0, sizeof(*t));
    t->next_id = 1;
    t->alloc = alloc;
    t->free = free_fn;
}

void mdlb_table_destroy(mdlb_table *t)
{
    if (t->slots)
        t->free(t->slots);
    t->slots = NULL;
    t->capacity = 0;
}

static mdlb_obj *find(mdlb_table *t, mdlb_u32 id)
{
    mdlb_u32 i;
    if (id == 0)
        return NULL;
    for (i = 0; i < t->capacity; i++)
        if (t->slots[i].id == id)
            return &t->slots[i];
    return NULL;
}

mdlb_u32 mdlb_table_lookup(mdlb_table *t, mdlb_u32 id, mdlb_u32 kinds, mdlb_obj **out)
{
    mdlb_obj *o = find(t, id);
    *out = NULL;
    if (o == NULL)
        return MDLB_STATUS_NOT_FOUND;
    if ((kinds & MDLB_KIND_BIT(o->kind)) == 0)
        return MDLB_STATUS_OBJECT_TYPE_MISMATCH;
    *out = o;
    return 0;
}

static int grow(mdlb_table *t)
{
    mdlb_u32 n = t->capacity + GROW_STEP;
    mdlb_obj *s = (mdlb_obj *)t->alloc((size_t)n * sizeof(mdlb_obj));
    if (s == NULL)
        return 0;
    memset(s, 0, (size_t)n * sizeof(mdlb_obj));
    if (t->slots) {
        memcpy(s, t->slots, (size_t)t->capacity * sizeof(mdlb_obj));
        t->free(t->slots);
    }
    t->slots = s;
    t->capacity = n;
    return 1;
}

mdlb_u64 mdlb_table_growth_bytes(mdlb_table *t)
{
    mdlb_u32 i;
    for (i = 0; i < t->capacity; i++)
        if (t->slots[i].id == 0)
            return 0;
    return (mdlb_u64)GROW_STEP * MDLB_SLOT_CHARGE;
}

static mdlb_obj *free_slot(mdlb_table *t)
{
    mdlb_u32 i;
    for (i = 0; i < t->capacity; i++)
        if (t->slots[i].id == 0)
            return &t->slots[i];
    return NULL;
}

static void link(mdlb_table *t, const mdlb_obj *o, int delta)
{
    mdlb_obj *p = find(t, o->parent);
    if (p != NULL && o->kind == MDLB_OBJ_USER_MAPPING)
        p->user_mappings += (mdlb_u32)delta;
    if (p != NULL && o->kind == MDLB_OBJ_PARTIAL) {
        p->partials += (mdlb_u32)delta;
        if (o->state & MDLB_ST_INHERITED)
            p->inheritors += (mdlb_u32)delta;
    }
}

/* Ids count up from 1 and, after 2^32 - 1 of them, wrap past 0 and past every id still live: an id never names
 * two live objects (a table holds far fewer than 2^32, so the loop ends). */
static mdlb_u32 next_free_id(mdlb_table *t)
{
    mdlb_u32 id;
    do {
        if (t->next_id_fn != NULL) {
            id = t->next_id_fn();
        } else {
            id = t->next_id++;
            if (t->next_id == 0)
                t->next_id = 1;
        }
    } while (id == 0 || find(t, id) != NULL);
    return id;
}

mdlb_obj *mdlb_table_insert(mdlb_table *t, const mdlb_obj *proto)
{
    mdlb_obj *o = free_slot(t);
    if (o == NULL) {
        /* Slots move when the table grows: callers hold no mdlb_obj pointer across an insert. */
        if (!grow(t))
            return NULL;
        o = free_slot(t);
    }
    *o = *proto;
    o->id = 0;
    o->id = next_free_id(t);
    o->user_mappings = o->partials = o->inheritors = 0;
    link(t, o, 1);
    return o;
}

void mdlb_table_remove(mdlb_table *t, mdlb_obj *o)
{
    link(t, o, -1);
    memset(o, 0, sizeof(*o));
}

static int inside(mdlb_u64 va, mdlb_u64 len, mdlb_u64 base, mdlb_u64 size)
{
    if (va + len < va)
        return 0;
    return va >= base && va + len <= base + size;
}

static int overlaps(mdlb_u64 va, mdlb_u64 len, mdlb_u64 base, mdlb_u64 size)
{
    mdlb_u64 end = va + (len ? len : 1);
    if (end < va)
        end = ~0ull;
    return va < base + size && end > base;
}

mdlb_obj *mdlb_table_kernel_range(mdlb_table *t, mdlb_u64 va, mdlb_u64 len)
{
    mdlb_u32 i;
    for (i = 0; i < t->capacity; i++) {
        mdlb_obj *o = &t->slots[i];
        if (o->id && o->kind == MDLB_OBJ_KERNEL_BUFFER && inside(va, len, o->va, o->length))
            return o;
    }
    return NULL;
}

int mdlb_table_in_user_mapping(mdlb_table *t, mdlb_u64 va, mdlb_u64 len)
{
    mdlb_u32 i;
    for (i = 0; i < t->capacity; i++) {
        mdlb_obj *o = &t->slots[i];
        /* The mapping occupies whole pages from its page-aligned base. */
        mdlb_u64 base = o->va & ~(mdlb_u64)(MDLB_PAGE_SIZE - 1);
        mdlb_u64 size = ((o->va - base) + o->length + MDLB_PAGE_SIZE - 1) & ~(mdlb_u64)(MDLB_PAGE_SIZE - 1);
        if (o->id && o->kind == MDLB_OBJ_USER_MAPPING && overlaps(va, len, base, size))
            return 1;
    }
    return 0;
}

/* ---- process-wide user-mapping ranges ---------------------------------------------------------------- */

void mdlb_ranges_init(mdlb_range_set *s, mdlb_alloc_fn alloc, mdlb_free_fn free_fn)
{
    memset(s, 0, sizeof(*s));
    s->alloc = alloc;
    s->free = free_fn;
}

void mdlb_ranges_destroy(mdlb_range_set *s)
{
    if (s->items)
        s->free(s->items);
    s->items = NULL;
    s->count = s->capacity = 0;
}

static void page_span(mdlb_u64 va, mdlb_u64 len, mdlb_u64 *base, mdlb_u64 *size)
{
    *base = va & ~(mdlb_u64)(MDLB_PAGE_SIZE - 1);
    *size = ((va - *base) + len + MDLB_PAGE_SIZE - 1) & ~(mdlb_u64)(MDLB_PAGE_SIZE - 1);
}

int mdlb_ranges_add(mdlb_range_set *s, mdlb_u64 owner, mdlb_u64 va, mdlb_u64 len)
{
    mdlb_user_range *r;
    if (s->count == s->capacity) {
        mdlb_u32 n = s->capacity + GROW_STEP;
        mdlb_user_range *items = (mdlb_user_range *)s->alloc((size_t)n * sizeof(mdlb_user_range));
        if (items == NULL)
            return 0;
        memset(items, 0, (size_t)n * sizeof(mdlb_user_range));
        if (s->items) {
            memcpy(items, s->items, (size_t)s->count * sizeof(mdlb_user_range));
            s->free(s->items);
        }
        s->items = items;
        s->capacity = n;
    }
    r = &s->items[s->count++];
    r->owner = owner;
    page_span(va, len, &r->base, &r->size);
    return 1;
}

void mdlb_ranges_remove(mdlb_range_set *s, mdlb_u64 owner, mdlb_u64 va, mdlb_u64 len)
{
    mdlb_u64 base, size;
    mdlb_u32 i;
    page_span(va, len, &base, &size);
    for (i = 0; i < s->count; i++) {
        if (s->items[i].owner == owner && s->items[i].base == base && s->items[i].size == size) {
            /* Through a copy: i may be the last entry, and a struct assigned onto itself is only defined when
             * the two objects coincide exactly, which Eva cannot tell from two imprecise indices. */
            mdlb_user_range last = s->items[s->count - 1];
            s->items[i] = last;
            s->count--;
            return;
        }
    }
}

int mdlb_ranges_overlap(const mdlb_range_set *s, mdlb_u64 owner, mdlb_u64 va, mdlb_u64 len)
{
    mdlb_u32 i;
    for (i = 0; i < s->count; i++)
        if (s->items[i].owner == owner && overlaps(va, len, s->items[i].base, s->items[i].size))
            return 1;
    return 0;
}

static int is_mdl(const mdlb_obj *o)
{
    return o->kind == MDLB_OBJ_MDL || o->kind == MDLB_OBJ_INIT_MDL || o->kind == MDLB_OBJ_PARTIAL ||
           o->kind == MDLB_OBJ_PAGES;
}

static int release_phase(const mdlb_obj *o)
{
    if (o->kind == MDLB_OBJ_USER_MAPPING)
        return MDLB_REL_USER_MAPPING;
    if (o->kind == MDLB_OBJ_PARTIAL)
        return MDLB_REL_PARTIAL; /* a reserved-mapped one is unmapped from its reservation first */
    if (o->kind == MDLB_OBJ_KERNEL_BUFFER)
        return MDLB_REL_KERNEL_BUFFER;
    /* A mapping object ends with its MDL's system mapping: whichever of the two comes first ends both. */
    if (o->kind == MDLB_OBJ_KERNEL_MAPPING || o->kind == MDLB_OBJ_RESERVED_MAPPING)
        return MDLB_REL_SYSTEM_MAPPING;
    /* After every MDL: nothing can be mapped into a reservation any more. */
    if (o->kind == MDLB_OBJ_RESERVATION)
        return MDLB_REL_RESERVATION;
    if (o->state & MDLB_ST_SYSMAP)
        return MDLB_REL_SYSTEM_MAPPING;
    if (o->state & MDLB_ST_LOCKED)
        return MDLB_REL_UNLOCK;
    if (o->kind == MDLB_OBJ_PAGES && !(o->state & MDLB_ST_PAGES_FREED))
        return MDLB_REL_FREE_PAGES;
    return MDLB_REL_FREE_MDL;
}

mdlb_obj *mdlb_table_next_release(mdlb_table *t, int *phase)
{
    mdlb_obj *best = NULL;
    int best_phase = 0;
    mdlb_u32 i;
    for (i = 0; i < t->capacity; i++) {
        mdlb_obj *o = &t->slots[i];
        int p;
        if (o->id == 0)
            continue;
        p = release_phase(o);
        /* Within a phase the oldest id goes first: an order both twins compute the same way, whatever slot
         * an object landed in. */
        if (best == NULL || p < best_phase || (p == best_phase && o->id < best->id)) {
            best = o;
            best_phase = p;
        }
    }
    *phase = best_phase;
    return best;
}

mdlb_u32 mdlb_release_mappings(const mdlb_obj *o, int phase)
{
    switch (phase) {
    case MDLB_REL_USER_MAPPING:
    case MDLB_REL_SYSTEM_MAPPING:
        return 1;
    case MDLB_REL_PARTIAL:
        /* A reserved mapping object counts as a mapping even when its partial's step ends it (spec12 counters). */
        return ((o->state & MDLB_ST_SYSMAP) != 0) + ((o->state & MDLB_ST_RESMAP) != 0);
    default:
        return 0;
    }
}

static mdlb_obj *source_of(mdlb_table *t, const mdlb_obj *mdl)
{
    return mdl->kind == MDLB_OBJ_PARTIAL ? find(t, mdl->parent) : NULL;
}

static int own_pages(const mdlb_obj *m)
{
    if (m->kind == MDLB_OBJ_PAGES)
        return !(m->state & MDLB_ST_PAGES_FREED);
    return (m->state & (MDLB_ST_LOCKED | MDLB_ST_NONPAGED)) != 0;
}

int mdlb_mdl_has_pages(mdlb_table *t, const mdlb_obj *mdl)
{
    const mdlb_obj *s = source_of(t, mdl);
    if (mdl->kind == MDLB_OBJ_PARTIAL)
        return s != NULL && own_pages(s);
    return own_pages(mdl);
}

int mdlb_mdl_writable(mdlb_table *t, const mdlb_obj *mdl)
{
    const mdlb_obj *m = mdl->kind == MDLB_OBJ_PARTIAL ? source_of(t, mdl) : mdl;
    if (m == NULL)
        return 0;
    if (m->kind == MDLB_OBJ_PAGES || (m->state & (MDLB_ST_NONPAGED | MDLB_ST_DRIVER_PAGES)))
        return 1; /* driver-owned pages, writable through any mapping not made NoWrite */
    return (m->state & (MDLB_ST_LOCKED | MDLB_ST_WRITE)) == (MDLB_ST_LOCKED | MDLB_ST_WRITE);
}

/* The preconditions MmProbeAndLockPages and MmBuildMdlForNonPagedPool share on the MDL itself (twin of
 * ObjectTable.probeFlags in the simulated driver). */
static mdlb_u32 check_fresh_mdl(const mdlb_obj *mdl)
{
    if (mdl->kind == MDLB_OBJ_PARTIAL)
        return MDLB_REFUSE_PROBE_PARTIAL;
    if (mdl->kind == MDLB_OBJ_PAGES)
        return MDLB_REFUSE_PROBE_NOT_IOALLOCATED;
    if (mdl->state & MDLB_ST_LOCKED)
        return MDLB_REFUSE_PROBE_LOCKED;
    if (mdl->state & MDLB_ST_NONPAGED)
        return MDLB_REFUSE_PROBE_NONPAGED;
    if ((mdl->state & (MDLB_ST_SYSMAP | MDLB_ST_SYSADDR | MDLB_ST_RESMAP)) || mdl->user_mappings)
        return MDLB_REFUSE_PROBE_MAPPED;
    return 0;
}

mdlb_u32 mdlb_check_probe(mdlb_table *t, const mdlb_obj *mdl, mdlb_u32 access_mode, int in_user_range, int shared)
{
    mdlb_u32 why = check_fresh_mdl(mdl);
    if (why != 0)
        return why;
    if (shared)
        return MDLB_REFUSE_SHARED_HANDLE;
    if (in_user_range || mdlb_table_in_user_mapping(t, mdl->va, mdl->length))
        return MDLB_REFUSE_RANGE_IN_USER_MAPPING;
    if (access_mode == MDLB_KERNEL_MODE) {
        if (mdl->length == 0)
            return MDLB_REFUSE_ZERO_LENGTH;
        if (mdlb_table_kernel_range(t, mdl->va, mdl->length) == NULL)
            return MDLB_REFUSE_KERNEL_RANGE_REQUIRED;
    }
    return 0;
}

mdlb_u32 mdlb_check_build_nonpaged(mdlb_table *t, const mdlb_obj *mdl)
{
    /* MmBuildMdlForNonPagedPool shares MmProbeAndLockPages' preconditions on the flags. */
    mdlb_u32 why = check_fresh_mdl(mdl);
    if (why != 0)
        return why;
    if (mdl->length == 0)
        return MDLB_REFUSE_ZERO_LENGTH;
    if (mdlb_table_kernel_range(t, mdl->va, mdl->length) == NULL)
        return MDLB_REFUSE_KERNEL_RANGE_REQUIRED;
    return 0;
}

mdlb_u32 mdlb_check_map(mdlb_table *t, const mdlb_obj *mdl, int user, int shared_handle)
{
    if (!mdlb_mdl_has_pages(t, mdl))
        return MDLB_REFUSE_MAP_NOT_LOCKED;
    if (mdl->length == 0)
        return MDLB_REFUSE_ZERO_LENGTH;
    if (shared_handle)
        return MDLB_REFUSE_SHARED_HANDLE; /* a handle found shared makes no new mapping of any kind */
    (void)user;
    return 0;
}

/* Whether the MDL has a system address Windows would not map again: MDL_MAPPED_TO_SYSTEM_VA (its own mapping, a
 * reserved one, or a partial's inherited one), MDL_SOURCE_IS_NONPAGED_POOL (built, or a partial of a built
 * source, which IoBuildPartialMdl gives the flag) or MDL_PARTIAL_HAS_BEEN_MAPPED (a mapped partial). */
static int has_system_address(mdlb_table *t, const mdlb_obj *mdl)
{
    const mdlb_obj *s = source_of(t, mdl);
    if (mdl->state & (MDLB_ST_SYSMAP | MDLB_ST_NONPAGED | MDLB_ST_INHERITED | MDLB_ST_RESMAP))
        return 1;
    return s != NULL && (s->state & MDLB_ST_NONPAGED) != 0;
}

mdlb_u32 mdlb_check_map_kernel(mdlb_table *t, const mdlb_obj *mdl, int shared_handle)
{
    mdlb_u32 why = mdlb_check_map(t, mdl, 0, shared_handle);
    if (why != 0)
        return why;
    return has_system_address(t, mdl) ? MDLB_REFUSE_ALREADY_MAPPED : 0;
}

mdlb_u32 mdlb_check_map_reserved(mdlb_table *t, const mdlb_obj *res, const mdlb_obj *mdl, int shared_handle)
{
    mdlb_u64 res_base, res_size, base, size;
    mdlb_u32 why = mdlb_check_map_kernel(t, mdl, shared_handle);
    if (why != 0)
        return why;
    if (res->mapping != 0)
        return MDLB_REFUSE_RESERVATION_IN_USE;
    page_span(res->va, res->length, &res_base, &res_size);
    page_span(mdl->va, mdl->length, &base, &size);
    if (size > res_size)
        return MDLB_REFUSE_RESERVATION_TOO_SMALL;
    return 0;
}

mdlb_u32 mdlb_check_unmap_reserved(mdlb_table *t, const mdlb_obj *res, const mdlb_obj *mdl)
{
    const mdlb_obj *m = find(t, res->mapping);
    if (m == NULL || m->parent != mdl->id)
        return MDLB_REFUSE_RESERVATION_WRONG_MDL;
    if (mdl->inheritors)
        return MDLB_REFUSE_UNMAP_INHERITED;
    return 0;
}

mdlb_u32 mdlb_check_free_reservation(const mdlb_obj *res)
{
    return res->mapping != 0 ? MDLB_REFUSE_RESERVATION_MAPPED : 0;
}

mdlb_u32 mdlb_check_cache_type(const mdlb_obj *mdl, mdlb_u32 cache_type)
{
    /* One page, one memory type: aliasing it with another type is undefined on x86 (section 2). */
    return cache_type != mdl->cache_type ? MDLB_PARAM_CACHE_TYPE : 0;
}

mdlb_u32 mdlb_check_allocate_pages(int shared)
{
    return shared ? MDLB_REFUSE_SHARED_HANDLE : 0;
}

mdlb_u32 mdlb_partial_state(const mdlb_obj *source, int source_mapped)
{
    mdlb_u32 state = source->state & MDLB_ST_PROC_VALID;
    /* IoBuildPartialMdl copies a mapped source's MappedSystemVa: the partial writes through the source's
     * mapping, so it carries that mapping's protection (finding 2: NoWrite must not be lost). */
    if (source_mapped)
        state |= MDLB_ST_INHERITED | MDLB_ST_SYSADDR | (source->state & MDLB_ST_NOWRITE);
    return state;
}

mdlb_obj *mdlb_driver_pages_of(mdlb_table *t, const mdlb_obj *mdl)
{
    const mdlb_obj *m = mdl->kind == MDLB_OBJ_PARTIAL ? source_of(t, mdl) : mdl;
    if (m == NULL)
        return NULL;
    if (m->kind == MDLB_OBJ_PAGES)
        return (mdlb_obj *)m;
    if (m->state & (MDLB_ST_NONPAGED | MDLB_ST_DRIVER_PAGES))
        return mdlb_table_kernel_range(t, m->va, m->length);
    return NULL;
}

mdlb_u32 mdlb_check_unlock(const mdlb_obj *mdl)
{
    if (mdl->state & MDLB_ST_RESMAP)
        return MDLB_REFUSE_RESERVED_MAPPING_LIVES; /* 3.13: first of this op's refusals */
    if (mdl->kind == MDLB_OBJ_PARTIAL)
        return MDLB_REFUSE_UNLOCK_PARTIAL;
    if (mdl->kind == MDLB_OBJ_PAGES)
        return MDLB_REFUSE_UNLOCK_PAGES;
    if (mdl->state & MDLB_ST_NONPAGED)
        return MDLB_REFUSE_UNLOCK_NONPAGED;
    if (!(mdl->state & MDLB_ST_LOCKED))
        return MDLB_REFUSE_UNLOCK_NOT_LOCKED;
    if (mdl->user_mappings)
        return MDLB_REFUSE_USER_MAPPING_LIVES;
    if (mdl->partials)
        return MDLB_REFUSE_PARTIAL_LIVES;
    return 0;
}

mdlb_u32 mdlb_check_free(const mdlb_obj *mdl, mdlb_u32 method)
{
    /* A reserved-mapped partial included: IoFreeMdl does not end a reserved mapping (3.13). */
    if (mdl->state & MDLB_ST_RESMAP)
        return MDLB_REFUSE_RESERVED_MAPPING_LIVES;
    if (mdl->kind == MDLB_OBJ_PAGES && !(mdl->state & MDLB_ST_PAGES_FREED))
        return MDLB_REFUSE_FREE_PAGES_FIRST;
    if ((mdl->kind == MDLB_OBJ_MDL || mdl->kind == MDLB_OBJ_PARTIAL) && method != MDLB_FREE_IOFREEMDL)
        return MDLB_REFUSE_FREE_WRONG_METHOD;
    if ((mdl->kind == MDLB_OBJ_INIT_MDL || mdl->kind == MDLB_OBJ_PAGES) && method != MDLB_FREE_EXFREEPOOL)
        return MDLB_REFUSE_FREE_WRONG_METHOD;
    if (mdl->state & MDLB_ST_LOCKED)
        return MDLB_REFUSE_FREE_LOCKED;
    if (mdl->user_mappings)
        return MDLB_REFUSE_USER_MAPPING_LIVES;
    if (mdl->partials)
        return MDLB_REFUSE_PARTIAL_LIVES;
    if (mdl->kind != MDLB_OBJ_PARTIAL && (mdl->state & MDLB_ST_SYSMAP))
        return MDLB_REFUSE_FREE_MAPPED;
    return 0;
}

mdlb_u32 mdlb_check_free_pages(const mdlb_obj *mdl)
{
    if (mdl->state & MDLB_ST_RESMAP)
        return MDLB_REFUSE_RESERVED_MAPPING_LIVES;
    if (mdl->kind != MDLB_OBJ_PAGES || (mdl->state & MDLB_ST_PAGES_FREED))
        return MDLB_REFUSE_NOT_PAGE_ALLOCATION;
    if (mdl->user_mappings)
        return MDLB_REFUSE_USER_MAPPING_LIVES;
    if (mdl->partials)
        return MDLB_REFUSE_PARTIAL_LIVES;
    if (mdl->state & MDLB_ST_SYSMAP)
        return MDLB_REFUSE_SYSTEM_MAPPING_LIVES;
    return 0;
}

mdlb_u32 mdlb_check_unmap_system(const mdlb_obj *mdl)
{
    if (mdl->state & MDLB_ST_RESMAP)
        return MDLB_REFUSE_RESERVED_MAPPING_LIVES;
    if (!(mdl->state & MDLB_ST_SYSMAP))
        return MDLB_REFUSE_UNMAP_NOT_OWNED; /* inherited, nonpaged-pool address, or nothing mapped */
    if (mdl->inheritors)
        return MDLB_REFUSE_UNMAP_INHERITED;
    return 0;
}

mdlb_u32 mdlb_check_partial(mdlb_table *t, const mdlb_obj *source, mdlb_u64 offset, mdlb_u32 length,
                            mdlb_u32 *effective_length)
{
    mdlb_u64 len = length;
    (void)t;
    *effective_length = 0;
    if (source->kind == MDLB_OBJ_PARTIAL || !own_pages(source))
        return MDLB_REFUSE_PARTIAL_SOURCE;
    if (offset >= source->length)
        return MDLB_REFUSE_PARTIAL_RANGE;
    if (len == 0)
        len = source->length - offset;
    if (len > source->length - offset)
        return MDLB_REFUSE_PARTIAL_RANGE;
    *effective_length = (mdlb_u32)len;
    return 0;
}

mdlb_u32 mdlb_check_pool_free(mdlb_table *t, const mdlb_obj *kbuf)
{
    mdlb_u32 i;
    /* Scanned now rather than linked when an MDL is created: an MDL may be allocated at an address before the
     * pool hands a buffer out there (finding 1), and it then describes the buffer all the same. Partials and
     * mappings need no scan of their own: they live inside the range of an MDL that cannot go before them. */
    mdlb_u64 base, size;
    /* The whole block counts, not only [buffer, buffer + size): a buffer with a pageOffset shares its pages with
     * nothing else, and an MDL over any of them still describes the block. */
    page_span(kbuf->va, kbuf->length, &base, &size);
    for (i = 0; i < t->capacity; i++) {
        const mdlb_obj *o = &t->slots[i];
        if (o->id && (o->kind == MDLB_OBJ_MDL || o->kind == MDLB_OBJ_INIT_MDL || o->kind == MDLB_OBJ_PARTIAL) &&
            overlaps(o->va, o->length, base, size))
            return MDLB_REFUSE_POOL_IN_USE;
    }
    return 0;
}

mdlb_u32 mdlb_check_transfer(mdlb_table *t, const mdlb_obj *mapping, const mdlb_obj *mdl, int write,
                             mdlb_u32 offset, mdlb_u32 length)
{
    if (mapping == NULL && !(mdl->state & MDLB_ST_SYSADDR))
        return MDLB_REFUSE_MAPPING_ENDED;
    if (write) {
        int nowrite = mapping ? (int)mapping->nowrite : (mdl->state & MDLB_ST_NOWRITE) != 0;
        if (nowrite || !mdlb_mdl_writable(t, mdl))
            return MDLB_REFUSE_WRITE_NOT_ALLOWED;
    }
    if ((mdlb_u64)offset + length > mdl->length)
        return MDLB_REFUSE_OUT_OF_RANGE;
    return 0;
}

static mdlb_u32 over(mdlb_u64 have, mdlb_u64 add, mdlb_u64 limit)
{
    return add > limit || have > limit - add;
}

static mdlb_u32 limit_one(const mdlb_use *u, const mdlb_limits *l, const mdlb_use *a)
{
    if (over(u->objects, a->objects, l->objects))
        return MDLB_LIMIT_OBJECTS;
    if (over(u->locked_bytes, a->locked_bytes, l->locked_bytes))
        return MDLB_LIMIT_LOCKED_BYTES;
    if (over(u->kernel_buffer_bytes, a->kernel_buffer_bytes, l->kernel_buffer_bytes))
        return MDLB_LIMIT_KERNEL_BUFFER_BYTES;
    if (over(u->page_bytes, a->page_bytes, l->page_bytes))
        return MDLB_LIMIT_PAGE_ALLOC_BYTES;
    if (over(u->pool_bytes, a->pool_bytes, l->pool_bytes))
        return MDLB_LIMIT_MDL_POOL_BYTES;
    if (over(u->system_mapping_bytes, a->system_mapping_bytes, l->system_mapping_bytes))
        return MDLB_LIMIT_SYSTEM_MAPPING_BYTES;
    return 0;
}

mdlb_u32 mdlb_limit_check(const mdlb_use *handle, const mdlb_limits *hl, const mdlb_use *driver,
                          const mdlb_limits *dl, const mdlb_use *add)
{
    mdlb_u32 r = limit_one(handle, hl, add);
    return r ? r : limit_one(driver, dl, add);
}

void mdlb_use_add(mdlb_use *u, const mdlb_use *d)
{
    u->objects += d->objects;
    u->mdls += d->mdls;
    u->mappings += d->mappings;
    u->kernel_buffers += d->kernel_buffers;
    u->locked_bytes += d->locked_bytes;
    u->kernel_buffer_bytes += d->kernel_buffer_bytes;
    u->page_bytes += d->page_bytes;
    u->pool_bytes += d->pool_bytes;
    u->system_mapping_bytes += d->system_mapping_bytes;
}

void mdlb_use_sub(mdlb_use *u, const mdlb_use *d)
{
    u->objects -= d->objects;
    u->mdls -= d->mdls;
    u->mappings -= d->mappings;
    u->kernel_buffers -= d->kernel_buffers;
    u->locked_bytes -= d->locked_bytes;
    u->kernel_buffer_bytes -= d->kernel_buffer_bytes;
    u->page_bytes -= d->page_bytes;
    u->pool_bytes -= d->pool_bytes;
    u->system_mapping_bytes -= d->system_mapping_bytes;
}

void mdlb_default_limits(mdlb_limits *handle, mdlb_limits *driver)
{
    handle->objects = MDLB_LIMIT_HANDLE_OBJECTS;
    handle->locked_bytes = MDLB_LIMIT_HANDLE_LOCKED_BYTES;
    handle->kernel_buffer_bytes = MDLB_LIMIT_HANDLE_KERNEL_BUFFER_BYTES;
    handle->page_bytes = MDLB_LIMIT_HANDLE_PAGE_ALLOC_BYTES;
    handle->pool_bytes = MDLB_LIMIT_HANDLE_MDL_POOL_BYTES;
    handle->system_mapping_bytes = MDLB_LIMIT_HANDLE_SYSTEM_MAPPING_BYTES;
    driver->objects = MDLB_LIMIT_DRIVER_OBJECTS;
    driver->locked_bytes = MDLB_LIMIT_DRIVER_LOCKED_BYTES;
    driver->kernel_buffer_bytes = MDLB_LIMIT_DRIVER_KERNEL_BUFFER_BYTES;
    driver->page_bytes = MDLB_LIMIT_DRIVER_PAGE_ALLOC_BYTES;
    driver->pool_bytes = MDLB_LIMIT_DRIVER_MDL_POOL_BYTES;
    driver->system_mapping_bytes = MDLB_LIMIT_DRIVER_SYSTEM_MAPPING_BYTES;
}



/* MDLB_LIMIT_RANGES, by name index. */
static const mdlb_u64 g_limit_ranges[MDLB_LIMIT_NAME_COUNT][2] = MDLB_LIMIT_RANGES;

/* Where each name's value lives in the limits in force. */
static mdlb_u64 get_limit(const mdlb_limits_in_force *f, mdlb_u32 i)
{
    const mdlb_limits *l = i < MDLB_LIMIT_NAME_DRIVER_MAX_OBJECTS ? &f->handle : &f->driver;
    switch (i % 6u) {
    case 0: return i == MDLB_LIMIT_NAME_DRIVER_MAX_HANDLES ? f->max_handles : l->objects;
    case 1: return l->locked_bytes;
    case 2: return l->kernel_buffer_bytes;
    case 3: return l->page_bytes;
    case 4: return l->pool_bytes;
    default: return l->system_mapping_bytes;
    }
}

static void set_limit(mdlb_limits_in_force *f, mdlb_u32 i, mdlb_u64 v)
{
    mdlb_limits *l = i < MDLB_LIMIT_NAME_DRIVER_MAX_OBJECTS ? &f->handle : &f->driver;
    /* The ranges keep every count far below 2^32: the casts cannot truncate. */
    switch (i % 6u) {
    case 0:
        if (i == MDLB_LIMIT_NAME_DRIVER_MAX_HANDLES)
            f->max_handles = (mdlb_u32)v;
        else
            l->objects = (mdlb_u32)v;
        break;
    case 1: l->locked_bytes = v; break;
    case 2: l->kernel_buffer_bytes = v; break;
    case 3: l->page_bytes = v; break;
    case 4: l->pool_bytes = v; break;
    default: l->system_mapping_bytes = v; break;
    }
}

void mdlb_limits_configure(const mdlb_limit_config *cfg, mdlb_u64 ram_bytes, mdlb_limits_in_force *out)
{
    /* The three driver-wide byte limits that hold RAM, in the order the RAM rule lowers them. */
    static const mdlb_u32 ram_order[3] = { MDLB_LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES,
                                           MDLB_LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES,
                                           MDLB_LIMIT_NAME_DRIVER_MAX_KERNEL_BUFFER_BYTES };
    mdlb_u64 sum = 0, half = ram_bytes / 2u;
    mdlb_u32 i;

    memset(out, 0, sizeof(*out));
    mdlb_default_limits(&out->handle, &out->driver);
    out->max_handles = MDLB_LIMIT_DRIVER_HANDLES;
    for (i = 0; i < MDLB_LIMIT_NAME_COUNT; i++) {
        mdlb_u64 v = cfg->value[i];
        if (!(cfg->present & (1u << i)))
            continue;
        out->configured |= 1u << i;
        if (v < g_limit_ranges[i][0] || v > g_limit_ranges[i][1]) {
            v = v < g_limit_ranges[i][0] ? g_limit_ranges[i][0] : g_limit_ranges[i][1];
            out->clamped |= 1u << i;
        }
        set_limit(out, i, v);
    }
    if (ram_bytes == 0)
        return;
    /* Each at most 256 GiB: the sum cannot wrap. */
    for (i = 0; i < 3; i++)
        sum += get_limit(out, ram_order[i]);
    for (i = 0; i < 3 && sum > half; i++) {
        mdlb_u32 n = ram_order[i];
        mdlb_u64 v = get_limit(out, n), floor = g_limit_ranges[n][0], cut;
        if (!(out->configured & (1u << n)) || v <= floor)
            continue;
        cut = sum - half;
        if (cut > v - floor)
            cut = v - floor;
        set_limit(out, n, v - cut);
        sum -= cut;
        out->clamped |= 1u << n;
    }
}

int mdlb_obj_is_mdl(const mdlb_obj *o)
{
    return is_mdl(o);
}
