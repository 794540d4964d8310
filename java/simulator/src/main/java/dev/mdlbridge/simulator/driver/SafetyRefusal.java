package dev.mdlbridge.simulator.driver;

/**
 * The refusals that close the holes of the first safety review (CONTRACT section 2 and 3.9, 3.11, 3.12), and three of
 * the DDI-coverage issue's (section 2 and 3.13). A test can
 * build a simulated machine with one of them removed ({@code SimulatedMachine.Builder.withoutRefusalForTest}) to
 * prove that {@code mdl explore} finds the hole it closes. No backend option, scenario field or CLI flag reaches
 * this: a user's machine always has every refusal.
 */
public enum SafetyRefusal {
    /** 3.9: ExFreePool of a kernel buffer while any MDL of the handle overlaps it (finding 1). */
    KERNEL_BUFFER_OUTLIVES_MDLS,
    /** 3.11: a write through a partial that inherited its source's NoWrite system mapping (finding 2). */
    PARTIAL_CARRIES_NOWRITE,
    /**
     * 3.12: a probe, chain range or DirectIo buffer over a user mapping made on another handle (finding 3), and the
     * quarantine that backs it (freed pages once user-mapped are kept until the process exits): removing only the
     * check would leave the hole closed by the quarantine, and the mutation test would prove nothing.
     */
    PROCESS_WIDE_USER_RANGES,
    /** §2: a KernelMode MmMapLockedPagesSpecifyCache of an MDL that already has a system mapping (its own, built for
     *  nonpaged pool, or inherited by a partial): REFUSE_ALREADY_MAPPED. */
    ALREADY_MAPPED,
    /** 3.13: MmUnlockPages of an MDL mapped through a reservation (REFUSE_RESERVED_MAPPING_LIVES on UNLOCK only;
     *  the unlock's other refusals stay). */
    RESERVED_MAPPING_LIVES_ON_UNLOCK,
    /** 3.13: MmFreeMappingAddress of a reservation an MDL is mapped into (REFUSE_RESERVATION_MAPPED). */
    RESERVATION_MAPPED
}
