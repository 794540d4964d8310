package dev.mdlbridge.api;

/** KPROCESSOR_MODE as MmProbeAndLockPages takes it. */
public enum AccessMode {
    KERNEL_MODE(0, "KernelMode"), USER_MODE(1, "UserMode");

    private final int value;
    private final String ddiName;

    AccessMode(int value, String ddiName) {
        this.value = value;
        this.ddiName = ddiName;
    }

    public int value() {
        return value;
    }

    public String ddiName() {
        return ddiName;
    }

    public static AccessMode parse(String name) {
        for (AccessMode m : values()) {
            if (m.ddiName.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown access mode '" + name + "': use KernelMode or UserMode");
    }
}
