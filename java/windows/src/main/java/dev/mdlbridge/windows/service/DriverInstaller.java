package dev.mdlbridge.windows.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * {@code mdl driver install|start|stop|uninstall|status}: every decision, above the Service Control Manager and the
 * file system, so the fakes of {@link ServiceManager}, {@link SystemFacts} and {@link CommandRunner} test each one.
 *
 * <p>Rules: idempotent (an installed service with the same binary is reused, a running driver is success for
 * start, a stopped one for stop); a service the tool did not create (no {@code MdlbridgeCreatedBy} value in its
 * key) is never replaced or removed without {@code force}; uninstall takes back exactly what install added (the
 * copied .sys, the certificate trust it added, the service).
 */
public final class DriverInstaller {

    public static final String SERVICE = "MdlBridge";
    public static final String DISPLAY_NAME = "mdlbridge MDL test driver";
    /** What install writes as MdlbridgeCreatedBy. */
    public static final String CREATED_BY = "mdl driver install";
    public static final String SYS_NAME = "mdlbridge.sys";

    /** Sleeps between polls of the service state; a fake advances a fake clock. */
    public interface Sleeper {
        void sleep(Duration d);
    }

    private final ServiceManager scm;
    private final SystemFacts facts;
    private final CommandRunner commands;
    private final Path driversDir;
    private final Sleeper sleeper;
    private final Duration timeout;

    /**
     * @param driversDir where install copies the .sys ({@code %SystemRoot%\System32\drivers} on Windows)
     * @param timeout    how long start and stop wait for the service to reach its state
     */
    public DriverInstaller(ServiceManager scm, SystemFacts facts, CommandRunner commands, Path driversDir,
                           Sleeper sleeper, Duration timeout) {
        this.scm = scm;
        this.facts = facts;
        this.commands = commands;
        this.driversDir = driversDir;
        this.sleeper = sleeper;
        this.timeout = timeout;
    }

    public Path target() {
        return driversDir.resolve(SYS_NAME);
    }

    /**
     * Installs {@code sys} as the MdlBridge service (not started), trusting {@code cer} when given and not trusted
     * yet. Returns what it did, a line each.
     */
    public List<String> install(Path sys, Path cer, boolean force, Preflight.ImageVerdict image) {
        List<String> done = new ArrayList<>();
        if (!Files.isRegularFile(sys)) {
            throw new InstallException("--sys " + sys + ": no such file; give the mdlbridge.sys of the kit or of "
                    + "driver/out/x64");
        }
        List<Preflight.Check> failed = Preflight.run(facts, image).stream().filter(Preflight.Check::failed).toList();
        if (!failed.isEmpty()) {
            if (!force || failed.stream().anyMatch(c -> c.name().equals("elevation"))) {
                throw new InstallException("not installing: " + String.join("; ", failed.stream()
                        .map(Preflight.Check::toString).toList()) + (force ? "" : " (--force installs anyway, "
                        + "except without elevation)"));
            }
            failed.forEach(c -> done.add("warning: " + c + " (installing anyway: --force)"));
        }
        Preflight.run(facts, image).stream().filter(c -> c.outcome().equals("WARN"))
                .forEach(c -> done.add("warning: " + c));
        Deque<Undo> undo = new ArrayDeque<>();
        try {
            installSteps(sys, cer, force, done, undo);
            return done;
        } catch (InstallException | Win32Failure e) {
            throw new InstallException(reason(e) + rollBack(undo));
        }
    }

    /** One step install took, and how to take it back if a later one fails. */
    private record Undo(String what, Runnable action) {
    }

    /**
     * Takes back what install did, newest first, so a failed install leaves neither a service without our mark
     * (which later installs would refuse to touch) nor a trusted certificate that no service records (which
     * uninstall could not find). Returns the clause the error message ends with.
     */
    private static String rollBack(Deque<Undo> undo) {
        if (undo.isEmpty()) {
            return "";
        }
        List<String> undone = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        while (!undo.isEmpty()) {
            Undo u = undo.pop();
            try {
                u.action().run();
                undone.add(u.what());
            } catch (RuntimeException e) {
                failed.add(u.what() + " (" + reason(e) + ")");
            }
        }
        return "; undone: " + String.join(", ", undone) + (failed.isEmpty() ? ""
                : "; NOT undone, do it by hand: " + String.join(", ", failed));
    }

    private static String reason(RuntimeException e) {
        if (e instanceof Win32Failure w) {
            return w.call() + " failed with " + LoadErrors.name(w.error()) + (w.error() == LoadErrors.ERROR_ACCESS_DENIED
                    ? ": run the command from an elevated prompt" : "");
        }
        return e.getMessage();
    }

    private void installSteps(Path sys, Path cer, boolean force, List<String> done, Deque<Undo> undo) {
        Optional<ServiceManager.Service> existing = scm.query(SERVICE);
        if (existing.isPresent() && existing.get().createdBy() == null) {
            ServiceManager.Service s = existing.get();
            if (!force) {
                throw new InstallException("a service named " + SERVICE + " exists that mdl did not create (" + s
                        .stateName() + ", binary " + s.binaryPath() + "); not touching it: use --force to replace it");
            }
            stopAndWait(s);
            deleteService();
            done.add("removed the service " + SERVICE + " mdl did not create (--force)");
            existing = Optional.empty();
        }
        Path target = target();
        boolean sameFile = Files.exists(target) && Arrays.equals(read(sys), read(target));
        if (!sameFile) {
            if (existing.isPresent() && existing.get().state() != ServiceManager.SERVICE_STOPPED) {
                throw new InstallException("the installed driver is " + existing.get().stateName() + " and differs from "
                        + sys + ": run `mdl driver stop` first, then install again");
            }
            byte[] previous = Files.exists(target) ? read(target) : null;
            copy(sys, target);
            undo.push(new Undo(previous == null ? "removed " + target : "restored the previous " + target, () -> {
                try {
                    if (previous == null) {
                        Files.deleteIfExists(target);
                    } else {
                        Files.write(target, previous);
                    }
                } catch (IOException e) {
                    throw new InstallException(e.getMessage());
                }
            }));
            done.add("copied " + sys + " to " + target);
        }
        String trusted = cer == null ? null : trust(cer, done, undo);
        if (existing.isPresent() && target.toString().equalsIgnoreCase(existing.get().binaryPath())) {
            done.add("the service " + SERVICE + " is already installed with this binary: reused");
            if (trusted != null) {
                scm.mark(SERVICE, existing.get().createdBy(), trusted);
            }
            return;
        }
        if (existing.isPresent()) {
            // ours, but pointing elsewhere (an older install location): replace it
            stopAndWait(existing.get());
            deleteService();
        }
        try {
            scm.createKernelDriver(SERVICE, DISPLAY_NAME, target.toString());
        } catch (Win32Failure e) {
            if (e.error() == LoadErrors.ERROR_SERVICE_MARKED_FOR_DELETE) {
                // a delete (--force, or uninstall) only marks the service while a handle to it is open
                throw new InstallException("cannot create " + SERVICE + " yet: the service deleted before is still "
                        + "marked for deletion (ERROR_SERVICE_MARKED_FOR_DELETE, 1072). Windows removes it when the "
                        + "last handle to it closes: close services.msc, Process Explorer and every program using "
                        + "\\\\.\\MdlBridge (mdl, test JVMs), then install again; if it persists, reboot");
            }
            throw e;
        }
        undo.push(new Undo("deleted the service " + SERVICE + " it created", () -> scm.delete(SERVICE)));
        scm.mark(SERVICE, CREATED_BY, trusted);
        done.add("created the service " + SERVICE + " (kernel driver, demand start) for " + target
                + "; start it with `mdl driver start`");
    }

    /** Starts the driver; a running driver is success. */
    public List<String> start() {
        ServiceManager.Service s = scm.query(SERVICE).orElseThrow(() -> new InstallException(
                "the driver is not installed: run `mdl driver install`"));
        if (s.state() == ServiceManager.SERVICE_RUNNING) {
            return List.of(SERVICE + " is already running");
        }
        try {
            scm.start(SERVICE);
        } catch (Win32Failure e) {
            if (e.error() != LoadErrors.ERROR_SERVICE_ALREADY_RUNNING) {
                throw new InstallException("the driver did not start: " + LoadErrors.whyStartFailed(e.error()));
            }
        }
        waitFor(ServiceManager.SERVICE_RUNNING, "the driver is still starting after " + timeout.toSeconds()
                + " s; see the System event log (source Service Control Manager) for why");
        return List.of(SERVICE + " is running");
    }

    /** Stops the driver and waits until it has; a stopped or absent driver is success. */
    public List<String> stop() {
        Optional<ServiceManager.Service> s = scm.query(SERVICE);
        if (s.isEmpty()) {
            return List.of(SERVICE + " is not installed");
        }
        if (s.get().state() == ServiceManager.SERVICE_STOPPED) {
            return List.of(SERVICE + " is already stopped");
        }
        stopAndWait(s.get());
        return List.of(SERVICE + " stopped");
    }

    /** Stops, deletes, removes the copied file and the trust install added; never a service mdl did not create. */
    public List<String> uninstall(boolean force) {
        Optional<ServiceManager.Service> found = scm.query(SERVICE);
        if (found.isEmpty()) {
            return List.of(SERVICE + " is not installed");
        }
        ServiceManager.Service s = found.get();
        if (s.createdBy() == null && !force) {
            throw new InstallException("the service " + SERVICE + " was not created by mdl (binary " + s.binaryPath()
                    + "); not removing it: use --force to remove it anyway");
        }
        List<String> done = new ArrayList<>();
        stopAndWait(s);
        deleteService();
        done.add("deleted the service " + SERVICE);
        if (target().toString().equalsIgnoreCase(s.binaryPath())) {
            try {
                if (Files.deleteIfExists(target())) {
                    done.add("removed " + target());
                }
            } catch (IOException e) {
                done.add("could not remove " + target() + " (" + e.getMessage() + "): delete it after a reboot");
            }
        }
        if (s.trustedCertificate() != null) {
            for (String store : List.of("Root", "TrustedPublisher")) {
                CommandRunner.Outcome o = commands.run(List.of("certutil", "-delstore", store, s.trustedCertificate()));
                done.add(o.exitCode() == 0 ? "removed the test certificate " + s.trustedCertificate() + " from "
                        + store : "could not remove the test certificate from " + store + " (certutil exit "
                        + o.exitCode() + "): remove it with certmgr.msc");
            }
        }
        return done;
    }

    /**
     * Whether the driver is loaded now, so that a change of its limits needs a restart.
     *
     * @return true when the service is running (or starting or stopping)
     */
    public boolean loaded() {
        return scm.query(SERVICE).map(s -> s.state() != ServiceManager.SERVICE_STOPPED).orElse(false);
    }

    /** One line: the state, the binary, and whether mdl installed it. */
    public List<String> status() {
        return scm.query(SERVICE).map(s -> List.of(SERVICE + ": " + s.stateName() + ", binary " + s.binaryPath()
                        + (s.createdBy() != null ? ", installed by " + s.createdBy()
                        : ", NOT created by mdl (uninstall needs --force)")
                        + (s.trustedCertificate() != null ? ", trusts test certificate " + s.trustedCertificate() : "")))
                .orElse(List.of(SERVICE + ": not installed (run `mdl driver install`)"));
    }

    private void stopAndWait(ServiceManager.Service s) {
        if (s.state() == ServiceManager.SERVICE_STOPPED) {
            return;
        }
        try {
            if (s.state() != ServiceManager.SERVICE_STOP_PENDING) {
                scm.stop(SERVICE);
            }
        } catch (Win32Failure e) {
            // 1062: it stopped meanwhile; 1061: it cannot take a control now, because it is already stopping (a
            // stop from another prompt, or an unload waiting for a handle): both mean wait, not fail
            if (e.error() != LoadErrors.ERROR_SERVICE_NOT_ACTIVE
                    && e.error() != LoadErrors.ERROR_SERVICE_CANNOT_ACCEPT_CTRL) {
                throw new InstallException("could not stop " + SERVICE + ": " + LoadErrors.name(e.error()));
            }
        }
        waitFor(ServiceManager.SERVICE_STOPPED, SERVICE + " is still stopping after " + timeout.toSeconds()
                + " s: a process still has \\\\.\\MdlBridge open (a test JVM, an mdl command, a debugger), and a "
                + "driver cannot unload while a handle is open; close it and run the command again");
    }

    private void deleteService() {
        try {
            scm.delete(SERVICE);
        } catch (Win32Failure e) {
            throw new InstallException(e.error() == LoadErrors.ERROR_SERVICE_MARKED_FOR_DELETE
                    ? LoadErrors.markedForDelete() : "could not delete " + SERVICE + ": " + LoadErrors.name(e.error()));
        }
    }

    private void waitFor(int state, String timeoutMessage) {
        Duration step = Duration.ofMillis(200);
        for (Duration waited = Duration.ZERO; ; waited = waited.plus(step)) {
            Optional<ServiceManager.Service> now = scm.query(SERVICE);
            if (now.isEmpty() || now.get().state() == state) {
                return;
            }
            if (state == ServiceManager.SERVICE_RUNNING && now.get().state() == ServiceManager.SERVICE_STOPPED) {
                throw new InstallException("the driver stopped right after starting: DriverEntry failed; see the "
                        + "System event log, and `mdl driver verify-image`");
            }
            if (waited.compareTo(timeout) >= 0) {
                throw new InstallException(timeoutMessage);
            }
            sleeper.sleep(step);
        }
    }

    /** Trusts the certificate in Root and TrustedPublisher unless it is already; returns its thumbprint if added. */
    private String trust(Path cer, List<String> done, Deque<Undo> undo) {
        String thumbprint = thumbprint(read(cer));
        if (commands.run(List.of("certutil", "-store", "Root", thumbprint)).exitCode() == 0) {
            done.add("the test certificate " + thumbprint + " is already trusted");
            return null;
        }
        for (String store : List.of("Root", "TrustedPublisher")) {
            CommandRunner.Outcome o = commands.run(List.of("certutil", "-addstore", "-f", store, cer.toString()));
            if (o.exitCode() != 0) {
                throw new InstallException("could not trust " + cer + " in " + store + " (certutil exit "
                        + o.exitCode() + "): " + o.output().strip().replaceAll("\\s*\\R\\s*", " "));
            }
            undo.push(new Undo("removed the test certificate from " + store, () -> {
                CommandRunner.Outcome d = commands.run(List.of("certutil", "-delstore", store, thumbprint));
                if (d.exitCode() != 0) {
                    throw new InstallException("certutil -delstore " + store + " " + thumbprint + " exit "
                            + d.exitCode());
                }
            }));
        }
        done.add("trusted the test certificate " + thumbprint + " (Root, TrustedPublisher); uninstall removes it");
        return thumbprint;
    }

    /** The SHA-1 thumbprint certutil and certmgr show for a DER certificate. */
    static String thumbprint(byte[] der) {
        try {
            return HexFormat.of().withLowerCase().formatHex(MessageDigest.getInstance("SHA-1").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new InstallException("cannot read " + p + ": " + e.getMessage());
        }
    }

    private static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new InstallException("cannot copy " + from + " to " + to + ": " + e.getMessage()
                    + (e instanceof java.nio.file.AccessDeniedException ? " (run elevated)" : ""));
        }
    }
}
