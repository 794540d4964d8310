package dev.mdlbridge.cli.explore;

import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.spi.UserMemory;
import dev.mdlbridge.spi.UserMemoryException;
import java.util.Map;

/** The scenario language's symbols (protections, modes, operations, priorities) as the values the API takes. */
final class Symbols {

    private Symbols() {
    }

    /** Modifiers of a protection (winnt.h): the pages are mapped uncached / write-combined. */
    static final int PAGE_NOCACHE = 0x200;
    static final int PAGE_WRITECOMBINE = 0x400;

    private static final Map<String, Integer> PROTECT = Map.of("PAGE_NOACCESS", UserMemory.PAGE_NOACCESS,
            "PAGE_READONLY", UserMemory.PAGE_READONLY, "PAGE_READWRITE", UserMemory.PAGE_READWRITE,
            "PAGE_GUARD", UserMemory.PAGE_GUARD, "PAGE_NOCACHE", PAGE_NOCACHE, "PAGE_WRITECOMBINE", PAGE_WRITECOMBINE);

    private static final Map<String, Integer> PRIORITY = Map.of("LowPagePriority", Protocol.LOW_PAGE_PRIORITY,
            "NormalPagePriority", Protocol.NORMAL_PAGE_PRIORITY, "HighPagePriority", Protocol.HIGH_PAGE_PRIORITY,
            "MdlMappingNoExecute", Protocol.MAPPING_NO_EXECUTE, "MdlMappingNoWrite", Protocol.MAPPING_NO_WRITE);

    static int protect(String s) {
        return or(s, PROTECT);
    }

    static int priority(String s) {
        return or(s, PRIORITY);
    }

    private static int or(String s, Map<String, Integer> known) {
        int v = 0;
        for (String part : s.split("\\|")) {
            Integer x = known.get(part.trim());
            if (x == null) {
                throw new IllegalArgumentException("unknown symbol " + part);
            }
            v |= x;
        }
        return v;
    }

    static int accessMode(String s) {
        return s.equals("KernelMode") ? Protocol.KERNEL_MODE : Protocol.USER_MODE;
    }

    static int operation(String s) {
        return switch (s) {
            case "IoWriteAccess" -> Protocol.IO_WRITE_ACCESS;
            case "IoModifyAccess" -> Protocol.IO_MODIFY_ACCESS;
            default -> Protocol.IO_READ_ACCESS;
        };
    }

    static int cacheType(String s) {
        return switch (s) {
            case "MmNonCached" -> Protocol.MM_NON_CACHED;
            case "MmWriteCombined" -> Protocol.MM_WRITE_COMBINED;
            default -> Protocol.MM_CACHED;
        };
    }

    static dev.mdlbridge.api.AccessMode mode(String s) {
        return dev.mdlbridge.api.AccessMode.parse(s);
    }

    /** The NTSTATUS a failed user-memory call stands for (the scenario runner reports the same ones). */
    static int userMemoryStatus(UserMemoryException e) {
        return switch (e.win32Error()) {
            case 998 -> 0xC0000005;
            case 0x80000001, 1 -> 0x80000001;
            case 487 -> 0xC0000141;
            case 87 -> 0xC000000D;
            case 8, 14 -> 0xC0000017;
            case 999 -> 0xC0000006;
            default -> 0xC0000001;
        };
    }
}
