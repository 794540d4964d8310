package dev.mdlbridge.simulator.driver;

import dev.mdlbridge.simulator.kernel.SimProcess;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One open of the device (the twin of {@code mdlb_handle}): its owner recorded at CREATE, its objects, its use and
 * the record the last DIRECT call left. {@link #lock} is held by every request and by release, so a release waits
 * for a request in flight (rundown) and never runs beside a probe or map of the same object.
 */
public final class FileHandle {

    final SimProcess owner;
    final ReentrantLock lock = new ReentrantLock();
    final ObjectTable table = new ObjectTable();
    final Use use = new Use();
    volatile boolean shared;
    boolean released;
    DirectRecord direct;

    FileHandle(SimProcess owner) {
        this.owner = owner;
    }

    /** What the last DIRECT_IN / DIRECT_OUT call saw, kept for DIRECT_FETCH (the MDL is gone by then). */
    static final class DirectRecord {
        int status;
        int stage;
        int detail;
        long value;
        MdlView before;
        MdlView after;
    }
}
