package dev.mdlbridge.api;

/**
 * What a {@link SystemMapping} maps: an {@link Mdl} or a {@link PageAllocation}. The mapping tells its owner about
 * each step, so the owner's snapshot stays current and its close ends the mappings still live first.
 */
interface MappingOwner {

    /** The handle's id of the MDL the mapping maps. */
    int id();

    /** Takes the step's {@code after} as the MDL's current state. */
    void record(Step step);

    /** A mapping of the MDL began. */
    void mapped(SystemMapping mapping);

    /** A mapping of the MDL ended. */
    void unmapped(SystemMapping mapping);
}
