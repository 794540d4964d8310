package dev.mdlbridge.windows;

import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.spi.Availability;
import dev.mdlbridge.spi.Backend;
import dev.mdlbridge.spi.BackendException;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.BackendProvider;
import java.util.function.Supplier;

/**
 * The {@code driver} backend: available when this is 64-bit Windows and {@code \\.\MdlBridge} opens. The protocol
 * version is not checked here: {@code MdlBridge} checks it on every open with the INFO request.
 */
public final class WindowsDriverBackendProvider implements BackendProvider {

    private final Host host;
    private final Supplier<Win32> win32;

    /** Used by {@link java.util.ServiceLoader}. */
    public WindowsDriverBackendProvider() {
        // Lazy: JnaWin32 is only constructed (and kernel32 only bound) once the platform checks pass.
        this(Host.current(), JnaWin32::new);
    }

    public WindowsDriverBackendProvider(Host host, Supplier<Win32> win32) {
        this.host = host;
        this.win32 = win32;
    }

    @Override
    public String name() {
        return "driver";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability availability() {
        String refusal = host.refusal();
        if (refusal != null) {
            return Availability.no(refusal);
        }
        try {
            // Opening is the only reliable test: the service may be installed but stopped, or need elevation.
            WindowsDeviceChannel.open(win32.get(), Protocol.USER_DEVICE_PATH).close();
            return Availability.yes("opened " + Protocol.USER_DEVICE_PATH);
        } catch (BackendException e) {
            return Availability.no(e.getMessage());
        } catch (LinkageError e) {
            return Availability.no("cannot load JNA's native support: " + e);
        }
    }

    /**
     * Simulator settings that describe the machine a result is compared with rather than change what happens:
     * a real machine is whatever version it is, and its frames are its own. Under {@code auto} a scenario always
     * names its profile, so refusing these would keep every scenario off the driver; they are ignored here and
     * results record the profile the scenario named.
     */
    static final java.util.Set<String> RECORDED_ONLY = java.util.Set.of("profile", "seed");

    @Override
    public Backend create(BackendOptions options) {
        for (String key : options.settings().keySet()) {
            if (!RECORDED_ONLY.contains(key)) {
                // a BackendException, so that auto lists it as the reason the driver was not used and goes on to
                // the simulator, which can apply it; a named driver fails with it
                throw new BackendException("option '" + key + "' is a simulator setting the real driver cannot "
                        + "apply: use --backend simulator (or leave it out to run on the driver)");
            }
        }
        String refusal = host.refusal();
        if (refusal != null) {
            throw new BackendException("driver backend " + refusal);
        }
        return new WindowsDriverBackend(win32.get());
    }
}
