package dev.mdlbridge.api;

/** LOCK_OPERATION; the CLI's --access read|write|modify. */
public enum LockOperation {
    /** {@code IoReadAccess} (0): the pages are only read through the MDL (the device writes nothing to memory). */
    READ(0, "IoReadAccess"),
    /** {@code IoWriteAccess} (1): the pages are written (the probe needs them writable; sets
     *  {@code MDL_WRITE_OPERATION}). */
    WRITE(1, "IoWriteAccess"),
    /** {@code IoModifyAccess} (2): read and written; probed as for write. */
    MODIFY(2, "IoModifyAccess");

    private final int value;
    private final String ddiName;

    LockOperation(int value, String ddiName) {
        this.value = value;
        this.ddiName = ddiName;
    }

    /**
     * The {@code LOCK_OPERATION} value.
     *
     * @return 0, 1 or 2
     */
    public int value() {
        return value;
    }

    /**
     * The name as the DDI documentation and the scenario language spell it.
     *
     * @return {@code IoReadAccess}, {@code IoWriteAccess} or {@code IoModifyAccess}
     */
    public String ddiName() {
        return ddiName;
    }

    /**
     * The operation by its DDI name or the CLI's word.
     *
     * @param name {@code IoReadAccess} or {@code read} (and so on)
     * @return the operation
     * @throws IllegalArgumentException for any other name
     */
    public static LockOperation parse(String name) {
        for (LockOperation o : values()) {
            if (o.ddiName.equals(name) || o.name().equalsIgnoreCase(name)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + name
                + "': use IoReadAccess, IoWriteAccess or IoModifyAccess (read, write, modify)");
    }
}
