/*
 * Reads every .vec file of driver/test/vectors (format: driver/test/vectors/README.md) and checks it against the
 * driver's own code: the hex agrees with the field lines, every byte is covered by exactly one field, a
 * request is judged exactly as 'expect' says by mdlb_check_malformed, and a reply is well-formed.
 */
#include "check.h"
#include "protocol.h"
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BYTES 200000

typedef struct vec {
    char name[128], code[64], kind[16], expect[64];
    unsigned char bytes[MAX_BYTES];
    unsigned char covered[MAX_BYTES];
    size_t len;
    int field_errors, overlap;
    struct { unsigned long off; int width; unsigned long long value; } fields[4096];
    int nfields;
} vec;

static const struct { const char *name; mdlb_u32 code; } codes[] = {
    { "IOCTL_MDLB_INFO", IOCTL_MDLB_INFO }, { "IOCTL_MDLB_RELEASE_ALL", IOCTL_MDLB_RELEASE_ALL },
    { "IOCTL_MDLB_SIZE_OF_MDL", IOCTL_MDLB_SIZE_OF_MDL }, { "IOCTL_MDLB_ALLOCATE_MDL", IOCTL_MDLB_ALLOCATE_MDL },
    { "IOCTL_MDLB_INITIALIZE_MDL", IOCTL_MDLB_INITIALIZE_MDL }, { "IOCTL_MDLB_PROBE_AND_LOCK", IOCTL_MDLB_PROBE_AND_LOCK },
    { "IOCTL_MDLB_MAP_SYSTEM", IOCTL_MDLB_MAP_SYSTEM }, { "IOCTL_MDLB_MAP_USER", IOCTL_MDLB_MAP_USER },
    { "IOCTL_MDLB_UNMAP", IOCTL_MDLB_UNMAP }, { "IOCTL_MDLB_READ_MAPPED", IOCTL_MDLB_READ_MAPPED },
    { "IOCTL_MDLB_WRITE_MAPPED", IOCTL_MDLB_WRITE_MAPPED }, { "IOCTL_MDLB_BUILD_PARTIAL", IOCTL_MDLB_BUILD_PARTIAL },
    { "IOCTL_MDLB_BUILD_NONPAGED", IOCTL_MDLB_BUILD_NONPAGED }, { "IOCTL_MDLB_UNLOCK", IOCTL_MDLB_UNLOCK },
    { "IOCTL_MDLB_FREE_MDL", IOCTL_MDLB_FREE_MDL }, { "IOCTL_MDLB_POOL_ALLOCATE", IOCTL_MDLB_POOL_ALLOCATE },
    { "IOCTL_MDLB_POOL_FREE", IOCTL_MDLB_POOL_FREE }, { "IOCTL_MDLB_QUERY", IOCTL_MDLB_QUERY },
    { "IOCTL_MDLB_DESCRIBE_CHAIN", IOCTL_MDLB_DESCRIBE_CHAIN }, { "IOCTL_MDLB_ALLOCATE_PAGES", IOCTL_MDLB_ALLOCATE_PAGES },
    { "IOCTL_MDLB_FREE_PAGES", IOCTL_MDLB_FREE_PAGES }, { "IOCTL_MDLB_DIRECT_IN", IOCTL_MDLB_DIRECT_IN },
    { "IOCTL_MDLB_DIRECT_OUT", IOCTL_MDLB_DIRECT_OUT }, { "IOCTL_MDLB_DIRECT_FETCH", IOCTL_MDLB_DIRECT_FETCH },
    { "IOCTL_MDLB_MAP_KERNEL", IOCTL_MDLB_MAP_KERNEL }, { "IOCTL_MDLB_RESERVE", IOCTL_MDLB_RESERVE },
    { "IOCTL_MDLB_MAP_RESERVED", IOCTL_MDLB_MAP_RESERVED }, { "IOCTL_MDLB_UNMAP_RESERVED", IOCTL_MDLB_UNMAP_RESERVED },
    { "IOCTL_MDLB_FREE_RESERVATION", IOCTL_MDLB_FREE_RESERVATION },
};

static const struct { const char *name; mdlb_u32 status; } statuses[] = {
    { "STATUS_INFO_LENGTH_MISMATCH", MDLB_STATUS_INFO_LENGTH_MISMATCH },
    { "STATUS_BUFFER_TOO_SMALL", MDLB_STATUS_BUFFER_TOO_SMALL },
    { "STATUS_REVISION_MISMATCH", MDLB_STATUS_REVISION_MISMATCH },
    { "STATUS_INVALID_DEVICE_REQUEST", MDLB_STATUS_INVALID_DEVICE_REQUEST },
    { "STATUS_NOT_FOUND", MDLB_STATUS_NOT_FOUND },
    { "STATUS_OBJECT_TYPE_MISMATCH", MDLB_STATUS_OBJECT_TYPE_MISMATCH },
    { "STATUS_ACCESS_DENIED", MDLB_STATUS_ACCESS_DENIED },
};

static int code_of(const char *name, mdlb_u32 *code)
{
    size_t i;
    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (strcmp(codes[i].name, name) == 0)
            return *code = codes[i].code, 1;
    if (strncmp(name, "0x", 2) == 0)
        return *code = (mdlb_u32)strtoul(name, NULL, 16), 1;
    return 0;
}

static void trim(char *s)
{
    char *h = strchr(s, '#');
    size_t n;
    if (h)
        *h = 0;
    n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = 0;
}

static void add_hex(vec *v, const char *s)
{
    int hi = -1;
    for (; *s; s++) {
        int d;
        if (*s >= '0' && *s <= '9') d = *s - '0';
        else if (*s >= 'a' && *s <= 'f') d = *s - 'a' + 10;
        else if (*s >= 'A' && *s <= 'F') d = *s - 'A' + 10;
        else continue;
        if (hi < 0) {
            hi = d;
        } else {
            if (v->len < MAX_BYTES)
                v->bytes[v->len++] = (unsigned char)(hi * 16 + d);
            hi = -1;
        }
    }
    if (hi >= 0)
        v->field_errors++; /* an odd number of hex digits */
}

static void add_field(vec *v, const char *s)
{
    char type[8], name[256], value[64];
    unsigned long off;
    if (sscanf(s, "%lx %7s %255s %63s", &off, type, name, value) != 4 || v->nfields >= 4096) {
        v->field_errors++;
        return;
    }
    v->fields[v->nfields].off = off;
    v->fields[v->nfields].width = type[1] == '8' ? 1 : type[1] == '1' ? 2 : type[1] == '3' ? 4 : 8;
    v->fields[v->nfields].value = strtoull(value, NULL, 16);
    v->nfields++;
}

static int parse(const char *path, vec *v)
{
    char line[4096];
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    memset(v, 0, sizeof(*v));
    while (fgets(line, sizeof(line), f)) {
        trim(line);
        if (strncmp(line, "name:", 5) == 0) sscanf(line + 5, "%127s", v->name);
        else if (strncmp(line, "code:", 5) == 0) sscanf(line + 5, "%63s", v->code);
        else if (strncmp(line, "kind:", 5) == 0) sscanf(line + 5, "%15s", v->kind);
        else if (strncmp(line, "expect:", 7) == 0) sscanf(line + 7, "%63s", v->expect);
        else if (strncmp(line, "field:", 6) == 0) add_field(v, line + 6);
        else if (strncmp(line, "hex:", 4) == 0) add_hex(v, line + 4);
    }
    fclose(f);
    return 1;
}

static int fields_agree(vec *v)
{
    int i, ok = v->field_errors == 0;
    size_t b;
    for (i = 0; i < v->nfields; i++) {
        unsigned long long got = 0;
        int k;
        if (v->fields[i].off + (unsigned long)v->fields[i].width > v->len)
            return 0;
        for (k = v->fields[i].width - 1; k >= 0; k--)
            got = (got << 8) | v->bytes[v->fields[i].off + (unsigned long)k];
        if (got != v->fields[i].value)
            ok = 0;
        for (k = 0; k < v->fields[i].width; k++)
            if (v->covered[v->fields[i].off + (unsigned long)k]++)
                v->overlap = 1;
    }
    for (b = 0; b < v->len; b++)
        if (v->covered[b] != 1)
            ok = 0;
    return ok;
}

static void check_request(vec *v, mdlb_u32 code)
{
    mdlb_u32 st = mdlb_check_malformed(code, v->bytes, v->len, MDLB_REPLY_BUFFER_SIZE);
    size_t i;
    if (strcmp(v->expect, "ok") == 0) {
        CHECK(st == 0, v->name);
        return;
    }
    for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
        if (strcmp(statuses[i].name, v->expect) == 0) {
            /* Ids and the calling process are judged against live state, not by the bytes alone. */
            if (statuses[i].status == MDLB_STATUS_NOT_FOUND || statuses[i].status == MDLB_STATUS_OBJECT_TYPE_MISMATCH ||
                statuses[i].status == MDLB_STATUS_ACCESS_DENIED)
                CHECK(st == 0, v->name);
            else
                CHECK(st == statuses[i].status, v->name);
            return;
        }
    }
    printf("vector %s: unknown expect '%s'\n", v->name, v->expect);
    CHECK(0, v->name);
}

static void check_reply(vec *v)
{
    MDLB_REPLY_HEADER h;
    mdlb_u32 i, off;
    int ok;
    if (v->len < sizeof(h)) {
        CHECK(0, v->name);
        return;
    }
    memcpy(&h, v->bytes, sizeof(h));
    ok = h.Magic == MDLB_MAGIC && h.Version == MDLB_PROTOCOL_VERSION && h.HeaderSize == sizeof(h) &&
         h.TotalSize == v->len && h.Reserved == 0 && h.Reserved2 == 0;
    off = h.SnapshotOffset;
    for (i = 0; ok && i < h.SnapshotCount; i++) {
        MDLB_SNAPSHOT s;
        if (off + sizeof(s) > v->len) {
            ok = 0;
            break;
        }
        memcpy(&s, v->bytes + off, sizeof(s));
        if (!(s.Valid & MDLB_VALID_PFNS) && s.PfnReturned)
            ok = 0;
        if (!(s.Valid & MDLB_VALID_PROCESS) && s.Process)
            ok = 0;
        if (!(s.Valid & MDLB_VALID_MAPPED_SYSTEM_VA) && s.MappedSystemVa)
            ok = 0;
        if (s.PfnReturned > s.PfnCapacity || s.PfnReturned > MDLB_MAX_INLINE_PFNS)
            ok = 0;
        off += (mdlb_u32)sizeof(s) + 8u * s.PfnReturned;
    }
    if (h.DataLength && (h.DataOffset < off || (mdlb_u64)h.DataOffset + h.DataLength > v->len))
        ok = 0;
    CHECK(ok, v->name);
}

static int run_one(const char *path)
{
    static vec v;
    mdlb_u32 code;
    if (!parse(path, &v)) {
        CHECK(0, path);
        return 0;
    }
    CHECK(v.name[0] != 0 && v.len > 0, path);
    CHECK(fields_agree(&v) && !v.overlap, v.name);
    if (!code_of(v.code, &code)) {
        printf("vector %s: unknown code %s\n", v.name, v.code);
        CHECK(0, v.name);
        return 1;
    }
    if (strcmp(v.kind, "request") == 0)
        check_request(&v, code);
    else
        check_reply(&v);
    return 1;
}

void test_vectors(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096];
    int n = 0, own = 0;
    if (!d) {
        printf("no vector directory %s\n", dir);
        CHECK(0, "vector directory");
        return;
    }
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".vec") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        n += run_one(path);
        own += strncmp(e->d_name, "drv-", 4) == 0;
    }
    closedir(d);
    printf("vectors: %d read from %s (%d of them drv-*)\n", n, dir, own);
    CHECK(own > 0, "the driver's own vectors are present");
}
