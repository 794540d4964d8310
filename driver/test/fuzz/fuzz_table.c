/*
 * fuzz_table.c - libFuzzer harness over the driver's pure-C object table and refusal rules (driver/src/table.c),
 * built with -fsanitize=fuzzer,address,undefined.
 *
 * The input is a program: each 4-byte instruction is one driver operation (allocate an MDL over a user or a
 * kernel-buffer range, probe, build for nonpaged pool, map to system or user space, build a partial, unmap,
 * unlock, free, free pages, pool allocate/free, lookups of random ids, and the reservations of the DDI-coverage
 * issue: reserve, map into one, unmap from it, free it). Like ops.c, an operation changes the
 * table only when its section 3 check returns 0. After every instruction the table must be consistent (each
 * object's user_mappings, partials and inheritors equal what the table really holds); at the end
 * the release path (mdlb_table_next_release, CONTRACT.md section 1 order) must empty the table in a bounded number
 * of steps, and every release step must pass the check the driver applies to the same step on request (the
 * release path never does what the driver refuses a caller).
 */
#include "mdlbridge.h"
#include "table.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond, ...)                                                                                   \
    do {                                                                                                   \
        if (!(cond)) {                                                                                     \
            fprintf(stderr, "fuzz_table: check failed at %s:%d: %s\n  ", __FILE__, __LINE__, #cond);      \
            fprintf(stderr, __VA_ARGS__);                                                                  \
            fprintf(stderr, "\n");                                                                         \
            abort();                                                                                       \
        }                                                                                                  \
    } while (0)

static void *fz_alloc(size_t n) { return malloc(n); }
static void fz_free(void *p) { free(p); }

#define MAX_IDS 512
static uint32_t ids[MAX_IDS];
static uint32_t nids;

static void remember(uint32_t id)
{
    if (nids < MAX_IDS)
        ids[nids++] = id;
}

/* A live object picked by the selector among remembered ids, of the given kinds; NULL if none. */
static mdlb_obj *pick(mdlb_table *t, uint32_t sel, uint32_t kinds)
{
    uint32_t i;
    if (nids == 0)
        return NULL;
    for (i = 0; i < nids; i++) {
        mdlb_obj *o;
        if (mdlb_table_lookup(t, ids[(sel + i) % nids], kinds, &o) == 0)
            return o;
    }
    return NULL;
}

static void check_consistent(mdlb_table *t)
{
    uint32_t i, j, live = 0;
    for (i = 0; i < t->capacity; i++) {
        mdlb_obj *o = &t->slots[i];
        uint32_t um = 0, pa = 0, inh = 0;
        if (o->id == 0)
            continue;
        live++;
        for (j = 0; j < t->capacity; j++) {
            mdlb_obj *c = &t->slots[j];
            if (c->id == 0)
                continue;
            if (c->kind == MDLB_OBJ_USER_MAPPING && c->parent == o->id)
                um++;
            if (c->kind == MDLB_OBJ_PARTIAL && c->parent == o->id) {
                pa++;
                if (c->state & MDLB_ST_INHERITED)
                    inh++;
            }
        }
        CHECK(o->user_mappings == um && o->partials == pa && o->inheritors == inh,
              "object %u (kind %u): counters %u/%u/%u, table holds %u/%u/%u", o->id, o->kind,
              o->user_mappings, o->partials, o->inheritors, um, pa, inh);
        for (j = 0; j < t->capacity; j++)
            CHECK(j == i || t->slots[j].id != o->id, "id %u twice", o->id);
    }
    (void)live;
}

/* Pages a range spans, computed here rather than by table.c. */
static mdlb_u64 span(mdlb_u64 va, mdlb_u64 len)
{
    return ((va & 4095u) + len + 4095u) / 4096u;
}

/* MmUnmapReservedMapping as ops.c does it: the mapping object goes, and the links and state with it. */
static void unmap_reserved(mdlb_table *t, mdlb_obj *res, mdlb_obj *m)
{
    mdlb_obj *map = NULL;
    if (mdlb_table_lookup(t, res->mapping, MDLB_KIND_BIT(MDLB_OBJ_RESERVED_MAPPING), &map) == 0)
        mdlb_table_remove(t, map);
    res->mapping = 0;
    m->mapping = 0;
    m->state &= ~(MDLB_ST_RESMAP | MDLB_ST_SYSADDR | MDLB_ST_NOWRITE);
}

static mdlb_obj *by_id(mdlb_table *t, mdlb_u32 id)
{
    mdlb_obj *o = NULL;
    (void)mdlb_table_lookup(t, id, 0xFFFFFFFFu, &o);
    return o;
}

static mdlb_u64 va_for(mdlb_table *t, uint32_t sel, mdlb_u32 *len)
{
    mdlb_obj *kb = (sel & 3u) == 0 ? pick(t, sel >> 2, MDLB_KIND_BIT(MDLB_OBJ_KERNEL_BUFFER)) : NULL;
    if (kb != NULL) {
        mdlb_u64 off = (sel >> 4) % (kb->length + 1);
        *len = (mdlb_u32)((sel >> 12) % (kb->length - off + 2)); /* sometimes one past the end */
        return kb->va + off;
    }
    *len = (sel >> 8) & 0x7FFFu;
    return 0x10000000ull + ((mdlb_u64)(sel & 0xFFu) << 12) + ((sel >> 3) & 0xFFFu);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mdlb_table t;
    size_t pc;
    mdlb_u64 next_kernel = 0xFFFF800000100000ull, next_reservation = 0xFFFFF60000000000ull;
    int steps = 0, phase;
    mdlb_obj *o;

    nids = 0;
    mdlb_table_init(&t, fz_alloc, fz_free);
    for (pc = 0; pc + 4 <= size && pc < 4 * 400; pc += 4) {
        uint32_t op = data[pc];
        uint32_t sel = (uint32_t)data[pc + 1] | ((uint32_t)data[pc + 2] << 8) | ((uint32_t)data[pc + 3] << 16);
        mdlb_obj proto, *m, *n;
        mdlb_u32 r, len, eff;
        memset(&proto, 0, sizeof(proto));
        switch (op % 20) {
        case 0: /* IoAllocateMdl / MmInitializeMdl over a user or kernel-buffer range */
        case 1:
            proto.kind = (op & 16) ? MDLB_OBJ_INIT_MDL : MDLB_OBJ_MDL;
            proto.va = va_for(&t, sel, &len);
            proto.length = len;
            if ((m = mdlb_table_insert(&t, &proto)) != NULL)
                remember(m->id);
            break;
        case 2: /* MmProbeAndLockPages */
            if ((m = pick(&t, sel, MDLB_KINDS_ANY_MDL)) != NULL &&
                mdlb_check_probe(&t, m, (sel >> 20) & 1u, (sel >> 21) & 1u, (sel >> 22) & 1u) == 0)
                m->state |= MDLB_ST_LOCKED | MDLB_ST_PROC_VALID | ((sel & 0x100u) ? MDLB_ST_WRITE : 0);
            break;
        case 3: /* MmBuildMdlForNonPagedPool */
            if ((m = pick(&t, sel, MDLB_KINDS_ANY_MDL)) != NULL && mdlb_check_build_nonpaged(&t, m) == 0)
                m->state |= MDLB_ST_NONPAGED;
            break;
        case 4: /* MmGetSystemAddressForMdlSafe */
            if ((m = pick(&t, sel, MDLB_KINDS_ANY_MDL)) != NULL && mdlb_check_map(&t, m, 0, 0) == 0) {
                /* An MDL that has a system address already gets it back, nothing new is mapped. */
                if (!(m->state & (MDLB_ST_NONPAGED | MDLB_ST_RESMAP | MDLB_ST_SYSMAP)) &&
                    !(m->kind == MDLB_OBJ_PARTIAL && (m->state & MDLB_ST_INHERITED)))
                    m->state |= MDLB_ST_SYSMAP;
                m->state |= MDLB_ST_SYSADDR | ((sel & 0x200u) ? MDLB_ST_NOWRITE : 0);
            }
            break;
        case 5: /* MmMapLockedPagesSpecifyCache(UserMode) */
            if ((m = pick(&t, sel, MDLB_KINDS_ANY_MDL)) != NULL && mdlb_check_map(&t, m, 1, (sel >> 23) & 1) == 0) {
                proto.kind = MDLB_OBJ_USER_MAPPING;
                proto.parent = m->id;
                proto.va = 0x7FF000000000ull + ((mdlb_u64)(sel & 0xFFFu) << 16) + (m->va & 4095u);
                proto.length = m->length;
                proto.nowrite = !mdlb_mdl_writable(&t, m);
                if ((n = mdlb_table_insert(&t, &proto)) != NULL)
                    remember(n->id);
            }
            break;
        case 6: /* IoBuildPartialMdl */
            if ((m = pick(&t, sel, MDLB_KINDS_ANY_MDL)) != NULL &&
                mdlb_check_partial(&t, m, (sel >> 4) & 0xFFFFu, (sel & 1u) ? 0 : (sel >> 12) & 0xFFFu, &eff) == 0) {
                CHECK(eff > 0 && ((sel >> 4) & 0xFFFFu) + (mdlb_u64)eff <= m->length, "partial of %u at %u: %u",
                      (unsigned)m->length, (sel >> 4) & 0xFFFFu, eff);
                proto.kind = MDLB_OBJ_PARTIAL;
                proto.parent = m->id;
                proto.va = m->va + ((sel >> 4) & 0xFFFFu);
                proto.length = eff;
                proto.state = (m->state & (MDLB_ST_SYSMAP | MDLB_ST_NONPAGED | MDLB_ST_RESMAP)) ? MDLB_ST_INHERITED : 0;
                if ((n = mdlb_table_insert(&t, &proto)) != NULL)
                    remember(n->id);
            }
            break;
        case 7: /* MmUnmapLockedPages: a user mapping, or an MDL's system mapping */
            if ((sel & 1u) && (m = pick(&t, sel >> 1, MDLB_KIND_BIT(MDLB_OBJ_USER_MAPPING))) != NULL)
                mdlb_table_remove(&t, m);
            else if ((m = pick(&t, sel >> 1, MDLB_KINDS_ANY_MDL)) != NULL && mdlb_check_unmap_system(m) == 0)
                m->state &= ~(MDLB_ST_SYSMAP | MDLB_ST_SYSADDR | MDLB_ST_NOWRITE);
            break;
        case 8: /* MmUnlockPages: the system mapping ends with it */
            if ((m = pick(&t, sel, MDLB_KINDS_ANY_MDL)) != NULL && (r = mdlb_check_unlock(m)) == 0) {
                CHECK(m->inheritors == 0 && m->partials == 0 && m->user_mappings == 0, "unlock allowed with users");
                m->state &= ~(MDLB_ST_LOCKED | MDLB_ST_WRITE | MDLB_ST_SYSMAP | MDLB_ST_SYSADDR | MDLB_ST_NOWRITE);
            }
            break;
        case 9: /* IoFreeMdl / ExFreePool of MDL storage */
            if ((m = pick(&t, sel, MDLB_KINDS_ANY_MDL)) != NULL && mdlb_check_free(m, (sel >> 20) & 1u) == 0) {
                CHECK(!(m->state & MDLB_ST_LOCKED) && m->user_mappings == 0 && m->partials == 0,
                      "free allowed while locked or used (state 0x%x)", m->state);
                mdlb_table_remove(&t, m);
            }
            break;
        case 10: /* MmFreePagesFromMdl */
            if ((m = pick(&t, sel, MDLB_KINDS_ANY_MDL)) != NULL && mdlb_check_free_pages(m) == 0)
                m->state |= MDLB_ST_PAGES_FREED;
            break;
        case 11: /* MmAllocatePagesForMdlEx */
            proto.kind = MDLB_OBJ_PAGES;
            proto.length = ((sel & 0xFFu) + 1) * 4096u;
            if ((m = mdlb_table_insert(&t, &proto)) != NULL)
                remember(m->id);
            break;
        case 12: /* ExAllocatePoolWithTag */
            proto.kind = MDLB_OBJ_KERNEL_BUFFER;
            proto.va = next_kernel;
            proto.length = ((sel & 0xFu) + 1) * 4096u;
            next_kernel += proto.length + 4096u * (sel >> 20 & 1u);
            if ((m = mdlb_table_insert(&t, &proto)) != NULL)
                remember(m->id);
            break;
        case 13: /* ExFreePool of a kernel buffer */
            if ((m = pick(&t, sel, MDLB_KIND_BIT(MDLB_OBJ_KERNEL_BUFFER))) != NULL && mdlb_check_pool_free(&t, m) == 0) {
                for (n = t.slots; n < t.slots + t.capacity; n++)
                    CHECK(!(n->id && n->kind != MDLB_OBJ_KERNEL_BUFFER && n->kind != MDLB_OBJ_USER_MAPPING &&
                            n->kind != MDLB_OBJ_PAGES && n->va < m->va + m->length && n->va + (n->length ? n->length : 1) > m->va),
                          "pool free while MDL %u overlaps it", n->id);
                mdlb_table_remove(&t, m);
            }
            break;
        case 14: /* lookups of arbitrary ids, and transfer checks */
            r = mdlb_table_lookup(&t, sel & 0x3FFu, sel >> 10, &m);
            CHECK(r == 0 ? m != NULL && m->id == (sel & 0x3FFu) : m == NULL, "lookup");
            CHECK(r == 0 || r == MDLB_STATUS_NOT_FOUND || r == MDLB_STATUS_OBJECT_TYPE_MISMATCH, "lookup 0x%x", r);
            if (r == 0 && mdlb_obj_is_mdl(m)) {
                r = mdlb_check_transfer(&t, NULL, m, sel & 1u, sel >> 8, sel >> 4);
                if (r == 0)
                    CHECK((m->state & MDLB_ST_SYSADDR) && (mdlb_u64)(sel >> 8) + (sel >> 4) <= m->length, "transfer");
            }
            break;
        case 16: /* MmAllocateMappingAddress */
            proto.kind = MDLB_OBJ_RESERVATION;
            proto.va = next_reservation;
            proto.length = (sel & 0x7FFFu) + 1u;
            next_reservation += 0x100000u;
            if ((m = mdlb_table_insert(&t, &proto)) != NULL)
                remember(m->id);
            break;
        case 17: /* MmMapLockedPagesWithReservedMapping */
            if ((n = pick(&t, sel, MDLB_KIND_BIT(MDLB_OBJ_RESERVATION))) != NULL &&
                (m = pick(&t, sel >> 9, MDLB_KINDS_ANY_MDL)) != NULL &&
                mdlb_check_map_reserved(&t, n, m, (sel >> 23) & 1u) == 0) {
                mdlb_u32 res_id = n->id, mdl_id = m->id;
                CHECK(n->mapping == 0 && span(m->va, m->length) <= span(n->va, n->length) && m->length != 0 &&
                          !(m->state & (MDLB_ST_SYSMAP | MDLB_ST_RESMAP | MDLB_ST_NONPAGED | MDLB_ST_INHERITED)),
                      "reserved mapping of %u into %u allowed (state 0x%x)", m->id, n->id, m->state);
                proto.kind = MDLB_OBJ_RESERVED_MAPPING;
                proto.parent = mdl_id;
                proto.mapping = res_id;
                proto.va = n->va + (m->va & 4095u);
                proto.length = m->length;
                if ((o = mdlb_table_insert(&t, &proto)) != NULL) { /* slots may move: find both again */
                    remember(o->id);
                    by_id(&t, res_id)->mapping = o->id;
                    by_id(&t, mdl_id)->mapping = o->id;
                    by_id(&t, mdl_id)->state |= MDLB_ST_RESMAP;
                }
            }
            break;
        case 18: /* MmUnmapReservedMapping */
            if ((n = pick(&t, sel, MDLB_KIND_BIT(MDLB_OBJ_RESERVATION))) != NULL &&
                (m = pick(&t, sel >> 9, MDLB_KINDS_ANY_MDL)) != NULL && mdlb_check_unmap_reserved(&t, n, m) == 0) {
                CHECK((m->state & MDLB_ST_RESMAP) && m->inheritors == 0 && m->mapping == n->mapping,
                      "unmap of %u from %u allowed (state 0x%x)", m->id, n->id, m->state);
                unmap_reserved(&t, n, m);
            }
            break;
        case 19: /* MmFreeMappingAddress */
            if ((m = pick(&t, sel, MDLB_KIND_BIT(MDLB_OBJ_RESERVATION))) != NULL && mdlb_check_free_reservation(m) == 0)
                mdlb_table_remove(&t, m);
            break;
        default: /* range queries */
            (void)mdlb_table_kernel_range(&t, 0xFFFF800000100000ull + sel * 97ull, sel >> 9);
            (void)mdlb_table_in_user_mapping(&t, 0x7FF000000000ull + sel * 4099ull, sel);
            (void)mdlb_table_kernel_range(&t, ~0ull - sel, sel);
            break;
        }
        check_consistent(&t);
    }

    /* The release path: CONTRACT.md section 1 order, each step one the driver would allow on request. */
    while ((o = mdlb_table_next_release(&t, &phase)) != NULL) {
        CHECK(++steps <= 4 * 400 * 4 + 8, "release does not terminate");
        switch (phase) {
        case MDLB_REL_USER_MAPPING:
            mdlb_table_remove(&t, o);
            break;
        case MDLB_REL_PARTIAL:
            if (o->state & MDLB_ST_RESMAP) { /* MmUnmapReservedMapping first, allowed as on request */
                mdlb_obj *map = by_id(&t, o->mapping), *res = map ? by_id(&t, map->mapping) : NULL;
                CHECK(res != NULL && mdlb_check_unmap_reserved(&t, res, o) == 0, "releasing reserved partial %u", o->id);
                unmap_reserved(&t, res, o);
            }
            CHECK(mdlb_check_free(o, MDLB_FREE_IOFREEMDL) == 0, "releasing partial %u: refused 0x%x", o->id,
                  mdlb_check_free(o, MDLB_FREE_IOFREEMDL));
            mdlb_table_remove(&t, o);
            break;
        case MDLB_REL_SYSTEM_MAPPING:
            if (o->kind == MDLB_OBJ_RESERVED_MAPPING) {
                mdlb_obj *res = by_id(&t, o->mapping), *m2 = by_id(&t, o->parent);
                CHECK(res != NULL && m2 != NULL && mdlb_check_unmap_reserved(&t, res, m2) == 0,
                      "releasing reserved mapping %u", o->id);
                unmap_reserved(&t, res, m2);
                break;
            }
            CHECK(mdlb_check_unmap_system(o) == 0, "releasing the system mapping of %u: refused 0x%x", o->id,
                  mdlb_check_unmap_system(o));
            o->state &= ~(MDLB_ST_SYSMAP | MDLB_ST_SYSADDR | MDLB_ST_NOWRITE);
            break;
        case MDLB_REL_UNLOCK:
            CHECK(mdlb_check_unlock(o) == 0, "releasing (unlock) %u: refused 0x%x", o->id, mdlb_check_unlock(o));
            o->state &= ~(MDLB_ST_LOCKED | MDLB_ST_WRITE | MDLB_ST_SYSADDR);
            break;
        case MDLB_REL_FREE_PAGES:
            CHECK(mdlb_check_free_pages(o) == 0, "releasing (free pages) %u: refused 0x%x", o->id,
                  mdlb_check_free_pages(o));
            o->state |= MDLB_ST_PAGES_FREED;
            break;
        case MDLB_REL_FREE_MDL:
            CHECK(mdlb_check_free(o, o->kind == MDLB_OBJ_MDL || o->kind == MDLB_OBJ_PARTIAL ? MDLB_FREE_IOFREEMDL
                                                                                          : MDLB_FREE_EXFREEPOOL) == 0,
                  "releasing (free) %u kind %u state 0x%x: refused", o->id, o->kind, o->state);
            mdlb_table_remove(&t, o);
            break;
        case MDLB_REL_RESERVATION:
            CHECK(mdlb_check_free_reservation(o) == 0, "releasing reservation %u still mapped", o->id);
            mdlb_table_remove(&t, o);
            break;
        case MDLB_REL_KERNEL_BUFFER:
            CHECK(mdlb_check_pool_free(&t, o) == 0, "releasing kernel buffer %u still described", o->id);
            mdlb_table_remove(&t, o);
            break;
        default:
            CHECK(0, "unknown release phase %d", phase);
        }
        check_consistent(&t);
    }
    {
        uint32_t i;
        for (i = 0; i < t.capacity; i++)
            CHECK(t.slots[i].id == 0, "slot %u still holds %u after release", i, t.slots[i].id);
    }
    mdlb_table_destroy(&t);
    return 0;
}
