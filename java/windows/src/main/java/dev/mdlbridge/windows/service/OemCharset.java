package dev.mdlbridge.windows.service;

import dev.mdlbridge.windows.jna.Kernel32Optional;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** The Java charset of a Windows code page, for decoding what console tools write (the OEM code page). */
final class OemCharset {

    private OemCharset() {
    }

    /** This Windows's OEM code page ({@code GetOEMCP}); Java's default charset anywhere else or if it fails. */
    static Charset current() {
        if (!System.getProperty("os.name", "").startsWith("Windows")) {
            return Charset.defaultCharset();
        }
        try {
            return of(Kernel32Optional.INSTANCE.GetOEMCP());
        } catch (LinkageError e) {
            return Charset.defaultCharset();
        }
    }

    /**
     * The charset of code page {@code codePage}: 437 is IBM437, 850 IBM850, 932 windows-31j, 65001 UTF-8 ...; Java's
     * default charset for one it does not know. The JDK names code pages several ways, so each is tried.
     */
    static Charset of(int codePage) {
        if (codePage == 65001) {
            return StandardCharsets.UTF_8;
        }
        for (String name : new String[] {"cp" + codePage, "IBM" + codePage, "x-IBM" + codePage, "MS" + codePage,
                "windows-" + codePage, "x-windows-" + codePage}) {
            try {
                if (Charset.isSupported(name)) {
                    return Charset.forName(name);
                }
            } catch (IllegalArgumentException ignored) {
                // an illegal name for this JDK: try the next spelling
            }
        }
        return Charset.defaultCharset();
    }
}
