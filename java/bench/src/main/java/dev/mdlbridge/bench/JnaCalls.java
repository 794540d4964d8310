package dev.mdlbridge.bench;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The same no-op native call ({@code int getpagesize(void)} from libc), and a system call of the same shape
 * ({@code int getpid(void)}), through JNA's two mappings: direct
 * mapping ({@code Native.register} + a {@code static native} method) and interface mapping
 * ({@code Native.load} + a proxy). The Windows backend's DeviceIoControl binding chooses between the two.
 */
final class JnaCalls {

    private JnaCalls() {
    }

    /** Interface mapping: every call goes through a java.lang.reflect.Proxy and JNA's Function.invoke. */
    interface CLibrary extends Library {
        int getpagesize();

        int getpid();
    }

    /** Direct mapping: the native method is bound to the symbol once; calls go straight to the dispatch stub. */
    static final class Direct {
        static {
            Native.register(NativeLibrary.getInstance("c"));
        }

        static native int getpagesize();

        static native int getpid();

        private Direct() {
        }
    }

    static final CLibrary INTERFACE = Native.load("c", CLibrary.class);

    /** {@code getpagesize()}: glibc answers from a cached value, no system call: the no-op native call. */
    static int direct() {
        return Direct.getpagesize();
    }

    static int viaInterface() {
        return INTERFACE.getpagesize();
    }

    /** {@code getpid()}: a real system call in glibc >= 2.25, for scale. */
    static int directSyscall() {
        return Direct.getpid();
    }

    static int viaInterfaceSyscall() {
        return INTERFACE.getpid();
    }

    static boolean available() {
        try {
            return direct() == viaInterface() && direct() > 0 && directSyscall() == viaInterfaceSyscall();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return false;
        }
    }
}
