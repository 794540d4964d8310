package dev.mdlbridge.simulator.kernel;

/**
 * How to build a simulated machine: its Windows version, its policies (what differs between machines) and
 * injected faults. {@link #defaults()} is a Windows 10 x64 free build without Driver Verifier.
 *
 * @param profile             version profile (see {@link Profiles})
 * @param seed                fixes physical frame assignment
 * @param physicalMemoryBytes simulated RAM (sparse: costs nothing until touched); default 16 GiB
 * @param fragmentation       0.0 (frames handed out in order) .. 1.0 (every frame scattered); default 0.5
 * @param verifier            Driver Verifier with I/O verification and DDI compliance (0xC4 bug checks)
 * @param trackLockedPages    the TrackLockedPages registry value (0xCB at exit, 0x76 p1=1 on double unlock)
 * @param poolFailAfter       -1 none; else after N more successful nonpaged-pool allocations every one fails
 * @param systemPtesAvailable -1 plenty; else the system PTE pool holds this many PTEs
 * @param lockCountLimit      -1 the profile's; else locking a page already locked N times raises WORKING_SET_QUOTA
 */
public record KernelConfig(Profile profile, long seed, long physicalMemoryBytes, double fragmentation,
                           boolean verifier, boolean trackLockedPages, long poolFailAfter,
                           long systemPtesAvailable, long lockCountLimit) {

    public static KernelConfig defaults() {
        return new KernelConfig(Profiles.WIN10_X64, 0x5EED_0001L, 16L << 30, 0.5, false, false, -1, -1, -1);
    }

    public KernelConfig withProfile(Profile p) {
        return new KernelConfig(p, seed, physicalMemoryBytes, fragmentation, verifier, trackLockedPages,
                poolFailAfter, systemPtesAvailable, lockCountLimit);
    }

    public KernelConfig withSeed(long s) {
        return new KernelConfig(profile, s, physicalMemoryBytes, fragmentation, verifier, trackLockedPages,
                poolFailAfter, systemPtesAvailable, lockCountLimit);
    }

    public KernelConfig withPolicies(boolean verifierOn, boolean trackLocked) {
        return new KernelConfig(profile, seed, physicalMemoryBytes, fragmentation, verifierOn, trackLocked,
                poolFailAfter, systemPtesAvailable, lockCountLimit);
    }

    public KernelConfig withFaults(long poolFail, long ptes, long lockLimit) {
        return new KernelConfig(profile, seed, physicalMemoryBytes, fragmentation, verifier, trackLockedPages,
                poolFail, ptes, lockLimit);
    }

    public KernelConfig withPhysicalMemory(long bytes, double frag) {
        return new KernelConfig(profile, seed, bytes, frag, verifier, trackLockedPages, poolFailAfter,
                systemPtesAvailable, lockCountLimit);
    }
}
