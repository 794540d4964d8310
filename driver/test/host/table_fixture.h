/* What the table tests share: the allocator the table is given and the two ways they touch it. */
#ifndef MDLB_TABLE_FIXTURE_H
#define MDLB_TABLE_FIXTURE_H

#include "table.h"
#include <stdlib.h>
#include <string.h>

static inline void *xalloc(size_t n) { return malloc(n); }
static inline void xfree(void *p) { free(p); }

/* Inserts an object as the driver would after its DDI succeeded; the pages' memory type is MmCached, as for every
 * caller range and kernel buffer (a test of page allocations sets cache_type itself). */
static inline mdlb_u32 add(mdlb_table *t, mdlb_u32 kind, mdlb_u64 va, mdlb_u64 len, mdlb_u32 parent, mdlb_u32 state)
{
    mdlb_obj p, *o;
    memset(&p, 0, sizeof(p));
    p.kind = kind;
    p.va = va;
    p.length = len;
    p.parent = parent;
    p.state = state;
    p.cache_type = MDLB_MM_CACHED;
    o = mdlb_table_insert(t, &p);
    return o ? o->id : 0;
}

static inline mdlb_obj *get(mdlb_table *t, mdlb_u32 id)
{
    mdlb_obj *o = NULL;
    mdlb_table_lookup(t, id, 0xFFFFFFFFu, &o);
    return o;
}

#endif
