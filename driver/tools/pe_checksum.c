/*
 * pe_checksum.c - sets (or with --check, verifies) the PE optional-header checksum: the 16-bit
 * one's-complement sum of the file's 16-bit words with the checksum field counted as zero, plus the file
 * length (the algorithm CheckSumMappedFile documents). lld 14 writes 0 and has no /release switch.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t checksum(const unsigned char *b, size_t n, size_t field)
{
    uint64_t sum = 0;
    size_t i;
    for (i = 0; i + 1 < n; i += 2) {
        if (i == field || i == field + 2)
            continue;
        sum += (uint32_t)b[i] | ((uint32_t)b[i + 1] << 8);
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    if (n & 1) {
        sum += b[n - 1];
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint32_t)(sum + n);
}

int main(int argc, char **argv)
{
    int check = argc == 3 && strcmp(argv[1], "--check") == 0;
    const char *path = argv[argc - 1];
    unsigned char *b;
    uint32_t pe, have, want;
    long n;
    FILE *f;

    if (argc != 2 && !check) {
        fprintf(stderr, "usage: pe_checksum [--check] FILE\n");
        return 2;
    }
    f = fopen(path, "r+b");
    if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0x200) {
        fprintf(stderr, "pe_checksum: cannot read %s\n", path);
        return 2;
    }
    b = malloc((size_t)n);
    rewind(f);
    if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "pe_checksum: short read\n");
        return 2;
    }
    memcpy(&pe, b + 0x3C, 4);
    if ((long)pe + 0x5C > n || memcmp(b + pe, "PE\0\0", 4) != 0) {
        fprintf(stderr, "pe_checksum: %s is not a PE image\n", path);
        return 2;
    }
    memcpy(&have, b + pe + 0x58, 4); /* signature 4 + file header 20 + OptionalHeader.CheckSum at 64 */
    want = checksum(b, (size_t)n, pe + 0x58);
    if (check) {
        printf("pe_checksum: %s 0x%08X %s\n", path, have, have == want ? "ok" : "WRONG");
        return have == want ? 0 : 1;
    }
    fseek(f, (long)pe + 0x58, SEEK_SET);
    fwrite(&want, 4, 1, f);
    fclose(f);
    printf("pe_checksum: %s set to 0x%08X\n", path, want);
    return 0;
}
