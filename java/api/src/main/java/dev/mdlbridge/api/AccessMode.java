package dev.mdlbridge.api;

/** KPROCESSOR_MODE as MmProbeAndLockPages takes it. */
public enum AccessMode {
    /** {@code KernelMode} (0): the range is trusted as kernel memory; here only over this handle's kernel buffers. */
    KERNEL_MODE(0, "KernelMode"),
    /** {@code UserMode} (1): the range must lie below {@code MmUserProbeAddress}; the MDL records the process. */
    USER_MODE(1, "UserMode");

    private final int value;
    private final String ddiName;

    AccessMode(int value, String ddiName) {
        this.value = value;
        this.ddiName = ddiName;
    }

    /**
     * The {@code KPROCESSOR_MODE} value.
     *
     * @return 0 or 1
     */
    public int value() {
        return value;
    }

    /**
     * The name as the DDI documentation and the scenario language spell it.
     *
     * @return {@code KernelMode} or {@code UserMode}
     */
    public String ddiName() {
        return ddiName;
    }

    /**
     * The mode by its DDI name.
     *
     * @param name {@code KernelMode} or {@code UserMode}
     * @return the mode
     * @throws IllegalArgumentException for any other name
     */
    public static AccessMode parse(String name) {
        for (AccessMode m : values()) {
            if (m.ddiName.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown access mode '" + name + "': use KernelMode or UserMode");
    }
}
