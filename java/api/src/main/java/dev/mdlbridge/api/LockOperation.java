package dev.mdlbridge.api;

/** LOCK_OPERATION; the CLI's --access read|write|modify. */
public enum LockOperation {
    READ(0, "IoReadAccess"), WRITE(1, "IoWriteAccess"), MODIFY(2, "IoModifyAccess");

    private final int value;
    private final String ddiName;

    LockOperation(int value, String ddiName) {
        this.value = value;
        this.ddiName = ddiName;
    }

    public int value() {
        return value;
    }

    public String ddiName() {
        return ddiName;
    }

    /** {@code IoReadAccess} or {@code read}. */
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
