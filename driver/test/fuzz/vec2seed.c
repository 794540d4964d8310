/*
 * vec2seed.c - turns the request vectors (driver/test/vectors, *.vec files) into libFuzzer seeds for fuzz_protocol:
 * u32 code, u32 output-length selector (0: the whole reply buffer), then the request bytes of the `hex:` lines.
 * Usage: vec2seed OUTDIR FILE.vec...   Prints how many seeds it wrote. Host C, no dependencies.
 *        vec2seed --hex FILE.vec...    Prints one line per request vector: 0xCODE HEXBYTES NAME (for replays).
 */
#include "mdlbridge.h"
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *name; uint32_t code; } codes[] = {
    {"IOCTL_MDLB_INFO", IOCTL_MDLB_INFO}, {"IOCTL_MDLB_RELEASE_ALL", IOCTL_MDLB_RELEASE_ALL},
    {"IOCTL_MDLB_SIZE_OF_MDL", IOCTL_MDLB_SIZE_OF_MDL}, {"IOCTL_MDLB_ALLOCATE_MDL", IOCTL_MDLB_ALLOCATE_MDL},
    {"IOCTL_MDLB_INITIALIZE_MDL", IOCTL_MDLB_INITIALIZE_MDL}, {"IOCTL_MDLB_PROBE_AND_LOCK", IOCTL_MDLB_PROBE_AND_LOCK},
    {"IOCTL_MDLB_MAP_SYSTEM", IOCTL_MDLB_MAP_SYSTEM}, {"IOCTL_MDLB_MAP_USER", IOCTL_MDLB_MAP_USER},
    {"IOCTL_MDLB_UNMAP", IOCTL_MDLB_UNMAP}, {"IOCTL_MDLB_READ_MAPPED", IOCTL_MDLB_READ_MAPPED},
    {"IOCTL_MDLB_WRITE_MAPPED", IOCTL_MDLB_WRITE_MAPPED}, {"IOCTL_MDLB_BUILD_PARTIAL", IOCTL_MDLB_BUILD_PARTIAL},
    {"IOCTL_MDLB_BUILD_NONPAGED", IOCTL_MDLB_BUILD_NONPAGED}, {"IOCTL_MDLB_UNLOCK", IOCTL_MDLB_UNLOCK},
    {"IOCTL_MDLB_FREE_MDL", IOCTL_MDLB_FREE_MDL}, {"IOCTL_MDLB_POOL_ALLOCATE", IOCTL_MDLB_POOL_ALLOCATE},
    {"IOCTL_MDLB_POOL_FREE", IOCTL_MDLB_POOL_FREE}, {"IOCTL_MDLB_QUERY", IOCTL_MDLB_QUERY},
    {"IOCTL_MDLB_DESCRIBE_CHAIN", IOCTL_MDLB_DESCRIBE_CHAIN}, {"IOCTL_MDLB_ALLOCATE_PAGES", IOCTL_MDLB_ALLOCATE_PAGES},
    {"IOCTL_MDLB_FREE_PAGES", IOCTL_MDLB_FREE_PAGES}, {"IOCTL_MDLB_DIRECT_IN", IOCTL_MDLB_DIRECT_IN},
    {"IOCTL_MDLB_DIRECT_OUT", IOCTL_MDLB_DIRECT_OUT}, {"IOCTL_MDLB_DIRECT_FETCH", IOCTL_MDLB_DIRECT_FETCH}};

static int code_of(const char *s, uint32_t *out)
{
    size_t i;
    char name[80];
    if (sscanf(s, " %79s", name) != 1)
        return 0;
    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (strcmp(codes[i].name, name) == 0) {
            *out = codes[i].code;
            return 1;
        }
    if (strncmp(name, "0x", 2) == 0) {
        *out = (uint32_t)strtoul(name, NULL, 16);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int i, written = 0, hexmode;
    static uint8_t bytes[1 << 17];
    if (argc < 2) {
        fprintf(stderr, "usage: vec2seed OUTDIR FILE.vec...\n");
        return 2;
    }
    hexmode = strcmp(argv[1], "--hex") == 0;
    for (i = 2; i < argc; i++) {
        FILE *f = fopen(argv[i], "r");
        char line[8192];
        uint32_t code = 0, zero = 0;
        int have_code = 0, request = 0;
        size_t n = 0;
        int nibble = -1;
        if (!f)
            continue;
        while (fgets(line, sizeof(line), f)) {
            if (strncmp(line, "code:", 5) == 0)
                have_code = code_of(line + 5, &code);
            else if (strncmp(line, "kind:", 5) == 0)
                request = strstr(line, "request") != NULL;
            else if (strncmp(line, "hex:", 4) == 0) {
                char *p;
                for (p = line + 4; *p && *p != '#'; p++) {
                    int v;
                    if (!isxdigit((unsigned char)*p))
                        continue;
                    v = isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10);
                    if (nibble < 0)
                        nibble = v;
                    else if (n < sizeof(bytes)) {
                        bytes[n++] = (uint8_t)(nibble << 4 | v);
                        nibble = -1;
                    }
                }
            }
        }
        fclose(f);
        if (have_code && request && hexmode) {
            size_t k;
            const char *base = strrchr(argv[i], '/');
            printf("0x%08X ", code);
            for (k = 0; k < n; k++)
                printf("%02X", bytes[k]);
            printf(" %s\n", base ? base + 1 : argv[i]);
            written++;
        } else if (have_code && request) {
            char path[4096];
            const char *base = strrchr(argv[i], '/');
            FILE *o;
            snprintf(path, sizeof(path), "%s/%s.seed", argv[1], base ? base + 1 : argv[i]);
            o = fopen(path, "wb");
            if (o) {
                fwrite(&code, 4, 1, o);
                fwrite(&zero, 4, 1, o);
                fwrite(bytes, 1, n, o);
                fclose(o);
                written++;
            }
        }
    }
    if (!hexmode)
        printf("%d\n", written);
    return 0;
}
