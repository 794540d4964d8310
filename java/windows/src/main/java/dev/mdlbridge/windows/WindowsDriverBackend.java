package dev.mdlbridge.windows;

import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.spi.Backend;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.UserMemory;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The real driver on this machine. Closing it closes every channel it opened that is still open. */
public final class WindowsDriverBackend implements Backend {

    private final Win32 win32;
    private final String devicePath;
    private final WindowsUserMemory memory;
    // concurrent, and removal takes no backend lock: a channel closing on another thread while the backend closes
    // must not wait for the backend
    private final Set<WindowsDeviceChannel> channels = ConcurrentHashMap.newKeySet();

    public WindowsDriverBackend(Win32 win32, String devicePath) {
        this.win32 = win32;
        this.devicePath = devicePath;
        this.memory = new WindowsUserMemory(win32);
    }

    public WindowsDriverBackend(Win32 win32) {
        this(win32, Protocol.USER_DEVICE_PATH);
    }

    @Override
    public String name() {
        return "driver";
    }

    @Override
    public synchronized DeviceChannel open() {
        // a closed channel leaves the list at once: a long stress run opens and closes thousands
        WindowsDeviceChannel c = WindowsDeviceChannel.open(win32, devicePath, this::forget);
        channels.add(c);
        return c;
    }

    private void forget(WindowsDeviceChannel c) {
        channels.remove(c);
    }

    /** Channels opened and not closed yet. */
    int openChannels() {
        return channels.size();
    }

    @Override
    public UserMemory userMemory() {
        return memory;
    }

    @Override
    public synchronized void close() {
        // Channel close is idempotent, so channels the bridge already closed are harmless here.
        // a copy: each close removes its channel from the list
        for (WindowsDeviceChannel c : List.copyOf(channels)) {
            c.close();
        }
        channels.clear();
    }
}
