package dev.mdlbridge.windows;

/**
 * The platform facts the driver backend depends on, as a value so that availability is testable off Windows.
 *
 * @param osName    {@code os.name}
 * @param dataModel 32 or 64: the JVM's pointer width (a 32-bit JVM on 64-bit Windows runs under WOW64, where the
 *                  driver's reply layout and user addresses would not match)
 */
public record Host(String osName, int dataModel) {

    public static Host current() {
        String model = System.getProperty("sun.arch.data.model");
        int bits;
        if (model != null && model.matches("\\d+")) {
            bits = Integer.parseInt(model);
        } else {
            // Not every JVM sets sun.arch.data.model; os.arch names 64-bit architectures with "64".
            bits = System.getProperty("os.arch", "").contains("64") ? 64 : 32;
        }
        return new Host(System.getProperty("os.name", ""), bits);
    }

    public boolean isWindows() {
        return osName.startsWith("Windows");
    }

    /** Why the driver backend cannot run here, or null when the platform is right. */
    public String refusal() {
        if (!isWindows()) {
            return "not available (requires Windows)";
        }
        if (dataModel != 64) {
            return "not available on a " + dataModel + "-bit JVM: the driver backend needs a 64-bit JVM on 64-bit "
                    + "Windows (install a 64-bit Java)";
        }
        return null;
    }
}
