package dev.mdlbridge.cli.explore;

import dev.mdlbridge.cli.explore.Model.Kind;
import dev.mdlbridge.cli.explore.Model.TrackedObject;
import dev.mdlbridge.protocol.Protocol;
import java.util.List;
import java.util.Map;

/**
 * What a step must not achieve, decided from the model before it runs: the rules of mappings, cache types and
 * reservations (CONTRACT.md §2, 3.13; WINDOWS-MDL-RULES §14) that, broken, would leave Windows with a second system
 * mapping of one MDL, a page mapped with two memory types, a reserved mapping released under the MDL it maps, a
 * reservation freed or overfilled while mapped, or a transfer outside what the allocation returned. The model only
 * follows what succeeded, so each rule here names a state an earlier success created; a refusal of the step is
 * always fine (the referee is the driver), only its success is a finding.
 */
final class Expectations {

    private Expectations() {
    }

    /** The violation the step is if it succeeds, or null when its success is fine. */
    static Violation ifSucceeds(Model m, Action a) {
        for (String n : a.references()) {
            if (!m.knows(n)) {
                return null; // not well formed here: the executor rejects it
            }
        }
        return switch (a.op()) {
            case "MmMapLockedPagesSpecifyCache" -> map(m, a, a.symbol("accessMode", "UserMode").equals("KernelMode"));
            case "MmMapLockedPagesWithReservedMapping" -> mapReserved(m, a);
            case "MmGetSystemAddressForMdlSafe" -> {
                TrackedObject md = liveMdl(m, a);
                // always MmCached; returning the MDL's existing mapping maps nothing new
                yield md != null && !md.sysMapped && !md.nonpaged && md.cacheType != Protocol.MM_CACHED
                        ? alias(a, md, Protocol.MM_CACHED) : null;
            }
            case "MmUnlockPages", "IoFreeMdl", "MmFreePagesFromMdl" -> reservedReleased(a, liveMdl(m, a));
            case "MmUnmapLockedPages" -> {
                if (a.has("mapping")) {
                    TrackedObject v = m.get(a.name("mapping"));
                    yield v != null && v.live && v.reservation != null && v.link != null
                            ? reservedReleased(a, m.get(v.link)) : null;
                }
                yield reservedReleased(a, liveMdl(m, a));
            }
            case "MmFreeMappingAddress" -> {
                TrackedObject r = m.get(a.name("reservation"));
                yield r != null && r.live && r.link != null ? new Violation("reservation-freed-while-mapped", 0,
                        "MmFreeMappingAddress of " + r.name + " succeeded while " + r.link + " is mapped into it")
                        : null;
            }
            case "ReadMapped", "WriteMapped" -> transfer(m, a);
            case "IoBuildPartialMdl" -> {
                // a partial lies inside what its source describes (a short page allocation: what it returned)
                TrackedObject src = m.get(a.name("source"));
                long off = a.number("offset", 0);
                long len = a.number("length", 0);
                yield src != null && src.live && src.kind == Kind.MDL && len > 0 && off + len > src.size
                        ? new Violation("transfer-out-of-range", 0, "IoBuildPartialMdl of " + len + " bytes at "
                        + "offset " + off + " of " + src.name + " succeeded; it describes " + src.size + " bytes")
                        : null;
            }
            case "MmProbeAndLockPages" -> {
                TrackedObject md = liveMdl(m, a);
                yield md != null && !md.kernelRange() && a.symbol("accessMode", "UserMode").equals("UserMode")
                        ? uncached(m, a, md.address, md.size) : null;
            }
            case "DirectIo" -> a.has("buffer") ? uncached(m, a, m.get(a.name("buffer")).address
                    + a.number("offset", 0), a.number("length", 0)) : null;
            case "DescribeChain" -> {
                for (Object o : (List<?>) a.get("ranges")) {
                    Map<?, ?> r = (Map<?, ?>) o;
                    TrackedObject b = m.get((String) r.get("buffer"));
                    Object off = r.get("offset");
                    Violation v = b == null ? null : uncached(m, a, b.address + (off == null ? 0 : (Long) off),
                            (Long) r.get("length"));
                    if (v != null) {
                        yield v;
                    }
                }
                yield null;
            }
            default -> null;
        };
    }

    private static TrackedObject liveMdl(Model m, Action a) {
        TrackedObject md = a.has("mdl") ? m.get(a.name("mdl")) : null;
        return md != null && md.live && md.kind == Kind.MDL ? md : null;
    }

    private static Violation map(Model m, Action a, boolean kernel) {
        TrackedObject md = liveMdl(m, a);
        if (md == null) {
            return null;
        }
        if (kernel && (md.sysMapped || md.nonpaged)) {
            return second(a, md);
        }
        int type = Symbols.cacheType(a.symbol("cacheType", "MmCached"));
        return type != md.cacheType ? alias(a, md, type) : null;
    }

    private static Violation mapReserved(Model m, Action a) {
        TrackedObject md = liveMdl(m, a);
        TrackedObject r = m.get(a.name("reservation"));
        if (md == null || r == null || !r.live) {
            return null;
        }
        if (md.sysMapped || md.nonpaged) {
            return second(a, md);
        }
        int type = Symbols.cacheType(a.symbol("cacheType", "MmCached"));
        if (type != md.cacheType) {
            return alias(a, md, type);
        }
        if (r.link != null) {
            return new Violation("reservation-overfilled", 0, a.op() + " of " + md.name + " into " + r.name
                    + " succeeded while " + r.link + " is mapped there");
        }
        long span = md.size == 0 ? 0 : ((md.address & 0xFFF) + md.size + 0xFFF) >>> 12;
        long pages = (r.size + 0xFFF) >>> 12;
        return span > pages ? new Violation("reservation-overfilled", 0, a.op() + " of " + md.name + " ("
                + span + " pages) into " + r.name + " (" + pages + " pages) succeeded") : null;
    }

    private static Violation second(Action a, TrackedObject md) {
        return new Violation("second-system-mapping", 0, a.op() + " made a second system mapping of " + md.name
                + (md.link != null ? " (it is mapped by " + md.link + ")" : md.nonpaged ? " (built for nonpaged pool)"
                : md.inherited ? " (a partial that inherited its source's mapping)" : " (already mapped)"));
    }

    private static Violation alias(Action a, TrackedObject md, int type) {
        return new Violation("memory-type-alias", 0, a.op() + " mapped " + md.name + " as " + typeName(type)
                + " although its pages are " + typeName(md.cacheType));
    }

    private static String typeName(int t) {
        return switch (t) {
            case Protocol.MM_NON_CACHED -> "MmNonCached";
            case Protocol.MM_WRITE_COMBINED -> "MmWriteCombined";
            default -> "MmCached";
        };
    }

    private static Violation reservedReleased(Action a, TrackedObject md) {
        return md != null && md.reservation != null ? new Violation("reserved-mapping-released", 0, a.op()
                + " of " + md.name + " succeeded while it is mapped through reservation " + md.reservation) : null;
    }

    /** A transfer succeeds only inside [0, ByteCount) of what the mapping or MDL describes. */
    private static Violation transfer(Model m, Action a) {
        TrackedObject t = a.has("mapping") ? m.get(a.name("mapping")) : liveMdl(m, a);
        if (t == null || !t.live) {
            return null;
        }
        if (t.kind == Kind.MDL && t.reservation != null) {
            return null; // its MappedSystemVa is the reservation's base, below the data: bounded by the driver
        }
        long len = a.op().equals("ReadMapped") ? a.number("size", 0) : a.name("hex").length() / 2;
        long off = a.number("offset", 0);
        return off + len > t.size ? new Violation("transfer-out-of-range", 0, a.op() + " of " + len
                + " bytes at offset " + off + " through " + t.name + " succeeded; it describes " + t.size
                + " bytes") : null;
    }

    /** A UserMode probe, chain range or DirectIo buffer over a PAGE_NOCACHE / PAGE_WRITECOMBINE page would make a
     *  cached MDL over pages the process maps with another type. */
    private static Violation uncached(Model m, Action a, long start, long length) {
        if (length <= 0 || start < 0) {
            return null;
        }
        for (TrackedObject b : m.live(Kind.USER)) {
            for (long page : b.uncachedPages) {
                long va = b.address + page * Protocol.PAGE_SIZE;
                if (va < start + length && start < va + Protocol.PAGE_SIZE) {
                    return new Violation("memory-type-alias", 0, a.op() + " described " + b.name + "'s page at "
                            + String.format("0x%X", va) + ", which the process maps uncached or write-combined, as "
                            + "MmCached pages");
                }
            }
        }
        return null;
    }
}
