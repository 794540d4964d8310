package dev.mdlbridge.windows.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every installer decision against fakes of the SCM, the machine and certutil. */
class DriverInstallerTest {

    @TempDir
    Path dir;

    final Fakes.Scm scm = new Fakes.Scm();
    final Fakes.Machine machine = new Fakes.Machine();
    final Fakes.Commands commands = new Fakes.Commands();
    final List<Duration> slept = new ArrayList<>();
    DriverInstaller installer;
    Path sys;
    Path cer;

    @BeforeEach
    void setUp() throws Exception {
        installer = new DriverInstaller(scm, machine, commands, dir.resolve("drivers"), slept::add,
                Duration.ofSeconds(2));
        sys = Files.write(dir.resolve("mdlbridge.sys"), new byte[] {'M', 'Z', 1});
        cer = Files.write(dir.resolve("mdlbridge-test.cer"), new byte[] {0x30, 0x03, 1, 2, 3});
    }

    private static final Preflight.ImageVerdict GOOD = new Preflight.ImageVerdict(true, "all 14 checks passed");

    @Test
    void aFreshInstallCopiesTrustsCreatesAndMarks() {
        List<String> done = installer.install(sys, cer, false, GOOD);
        String thumb = DriverInstaller.thumbprint(new byte[] {0x30, 0x03, 1, 2, 3});
        assertEquals(List.of("create MdlBridge " + installer.target(), "mark mdl driver install " + thumb), scm.calls);
        assertTrue(Files.exists(installer.target()));
        assertEquals(List.of("certutil -store Root " + thumb, "certutil -addstore -f Root " + cer,
                "certutil -addstore -f TrustedPublisher " + cer), commands.run);
        assertTrue(done.get(done.size() - 1).contains("mdl driver start"), done.toString());
    }

    @Test
    void installingTheSameBinaryAgainReusesTheService() {
        installer.install(sys, null, false, GOOD);
        scm.calls.clear();
        List<String> done = installer.install(sys, null, false, GOOD);
        assertEquals(List.of(), scm.calls, "nothing created or changed");
        assertTrue(done.contains("the service MdlBridge is already installed with this binary: reused"), done.toString());
    }

    @Test
    void anAlreadyTrustedCertificateIsNotAddedAndSoNotRemovedLater() {
        commands.storeExit = 0;
        installer.install(sys, cer, false, GOOD);
        assertEquals(1, commands.run.size(), commands.run.toString());
        assertEquals(null, scm.services.get("MdlBridge").trustedCertificate());
    }

    @Test
    void aServiceMdlDidNotCreateIsOnlyReplacedWithForce() {
        scm.services.put("MdlBridge", new ServiceManager.Service("MdlBridge", ServiceManager.SERVICE_RUNNING,
                "C:\\other\\mdlbridge.sys", null, null));
        InstallException e = assertThrows(InstallException.class, () -> installer.install(sys, null, false, GOOD));
        assertTrue(e.getMessage().contains("exists that mdl did not create (running, binary C:\\other\\mdlbridge.sys)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("--force"), e.getMessage());
        assertEquals(List.of(), scm.calls);

        installer.install(sys, null, true, GOOD);
        assertEquals(List.of("stop", "delete", "create MdlBridge " + installer.target(), "mark mdl driver install null"),
                scm.calls);
    }

    @Test
    void preflightFailuresStopTheInstallAndForceNeverSkipsElevation() {
        machine.ci = java.util.Optional.of(0);
        InstallException e = assertThrows(InstallException.class, () -> installer.install(sys, null, false, GOOD));
        assertTrue(e.getMessage().contains("test-signing: off"), e.getMessage());
        assertTrue(e.getMessage().contains("bcdedit /set testsigning on"), e.getMessage());
        List<String> done = installer.install(sys, null, true, GOOD);
        assertTrue(done.get(0).startsWith("warning: FAIL test-signing"), done.toString());

        machine.elevated = false;
        scm.services.clear();
        InstallException notAdmin = assertThrows(InstallException.class, () -> installer.install(sys, null, true, GOOD));
        assertTrue(notAdmin.getMessage().contains("Run as administrator"), notAdmin.getMessage());
    }

    @Test
    void aBadImageIsNotInstalled() {
        InstallException e = assertThrows(InstallException.class, () -> installer.install(sys, null, false,
                new Preflight.ImageVerdict(false, "machine: 0x14c (AMD64 is 0x8664)")));
        assertTrue(e.getMessage().contains("FAIL image: machine: 0x14c"), e.getMessage());
        assertFalse(Files.exists(installer.target()));
    }

    @Test
    void startTreatsAlreadyRunningAsSuccessAndExplainsLoadFailures() {
        installer.install(sys, null, false, GOOD);
        scm.failNext.put("start", LoadErrors.ERROR_SERVICE_ALREADY_RUNNING);
        scm.services.put("MdlBridge", Fakes.Scm.with(scm.services.get("MdlBridge"), ServiceManager.SERVICE_RUNNING));
        assertEquals(List.of("MdlBridge is already running"), installer.start());

        scm.services.put("MdlBridge", Fakes.Scm.with(scm.services.get("MdlBridge"), ServiceManager.SERVICE_STOPPED));
        scm.failNext.put("start", LoadErrors.ERROR_INVALID_IMAGE_HASH);
        InstallException sig = assertThrows(InstallException.class, installer::start);
        assertTrue(sig.getMessage().contains("signature") && sig.getMessage().contains("testsigning"), sig.getMessage());
        scm.failNext.put("start", LoadErrors.ERROR_DRIVER_BLOCKED);
        InstallException blocked = assertThrows(InstallException.class, installer::start);
        assertTrue(blocked.getMessage().contains("Memory Integrity"), blocked.getMessage());
        scm.failNext.put("start", LoadErrors.ERROR_ACCESS_DENIED);
        assertTrue(assertThrows(InstallException.class, installer::start).getMessage().contains("elevated"));
        scm.failNext.put("start", LoadErrors.ERROR_FILE_NOT_FOUND);
        assertTrue(assertThrows(InstallException.class, installer::start).getMessage().contains("missing"));
        scm.failNext.put("start", LoadErrors.ERROR_INVALID_PARAMETER);
        assertTrue(assertThrows(InstallException.class, installer::start).getMessage().contains("parameters"));
        assertEquals(List.of("MdlBridge is running"), installer.start());
    }

    @Test
    void stopWaitsForStoppedAndATimeoutSaysAHandleIsOpen() {
        installer.install(sys, null, false, GOOD);
        installer.start();
        scm.pollsToStop = 3;
        assertEquals(List.of("MdlBridge stopped"), installer.stop());
        assertEquals(2, slept.size(), "polled until the fake reported STOPPED");
        assertEquals(List.of("MdlBridge is already stopped"), installer.stop());

        installer.start();
        scm.pollsToStop = -1;
        InstallException e = assertThrows(InstallException.class, installer::stop);
        assertTrue(e.getMessage().contains("still stopping after 2 s") && e.getMessage().contains("handle is open"),
                e.getMessage());
    }

    @Test
    void uninstallTakesBackWhatInstallAddedAndNothingElse() {
        installer.install(sys, cer, false, GOOD);
        installer.start();
        String thumb = DriverInstaller.thumbprint(new byte[] {0x30, 0x03, 1, 2, 3});
        commands.run.clear();
        List<String> done = installer.uninstall(false);
        assertTrue(done.contains("deleted the service MdlBridge"), done.toString());
        assertFalse(Files.exists(installer.target()));
        assertEquals(List.of("certutil -delstore Root " + thumb, "certutil -delstore TrustedPublisher " + thumb),
                commands.run);
        assertEquals(List.of("MdlBridge is not installed"), installer.uninstall(false));
    }

    @Test
    void uninstallRefusesAForeignServiceAndExplainsMarkedForDelete() {
        scm.services.put("MdlBridge", new ServiceManager.Service("MdlBridge", ServiceManager.SERVICE_STOPPED,
                "C:\\vendor\\mdlbridge.sys", null, null));
        InstallException e = assertThrows(InstallException.class, () -> installer.uninstall(false));
        assertTrue(e.getMessage().contains("not created by mdl") && e.getMessage().contains("--force"), e.getMessage());
        scm.failNext.put("delete", LoadErrors.ERROR_SERVICE_MARKED_FOR_DELETE);
        InstallException marked = assertThrows(InstallException.class, () -> installer.uninstall(true));
        assertTrue(marked.getMessage().contains("marked for deletion") && marked.getMessage().contains("reboot"),
                marked.getMessage());
    }

    @Test
    void statusSaysStateBinaryAndWhoInstalledIt() {
        assertEquals(List.of("MdlBridge: not installed (run `mdl driver install`)"), installer.status());
        installer.install(sys, null, false, GOOD);
        assertEquals(List.of("MdlBridge: stopped, binary " + installer.target() + ", installed by mdl driver install"),
                installer.status());
    }

    // ------------------------------------------------------------------ a failed install takes back what it did

    private String thumb() {
        return DriverInstaller.thumbprint(new byte[] {0x30, 0x03, 1, 2, 3});
    }

    @Test
    void markFailingAfterCreateDeletesTheServiceAndTakesBackTheTrustAndTheCopy() {
        scm.failNext.put("mark", LoadErrors.ERROR_ACCESS_DENIED);
        InstallException e = assertThrows(InstallException.class, () -> installer.install(sys, cer, false, GOOD));
        assertEquals("mark mdl driver install " + thumb() + " failed with ERROR_ACCESS_DENIED (5): run the command "
                + "from an elevated prompt; undone: deleted the service MdlBridge it created, removed the test "
                + "certificate from TrustedPublisher, removed the test certificate from Root, removed "
                + installer.target(), e.getMessage());
        assertTrue(scm.services.isEmpty(), "no unmarked service left for later installs to refuse");
        assertFalse(Files.exists(installer.target()));
        assertEquals(List.of("certutil -delstore TrustedPublisher " + thumb(), "certutil -delstore Root " + thumb()),
                commands.run.subList(3, 5), "removed newest first");
    }

    @Test
    void createFailingOnAServiceMarkedForDeletionExplainsAndTakesBackTheTrust() {
        scm.failNext.put("create", LoadErrors.ERROR_SERVICE_MARKED_FOR_DELETE);
        InstallException e = assertThrows(InstallException.class, () -> installer.install(sys, cer, false, GOOD));
        assertTrue(e.getMessage().startsWith("cannot create MdlBridge yet: the service deleted before is still "
                + "marked for deletion (ERROR_SERVICE_MARKED_FOR_DELETE, 1072)"), e.getMessage());
        assertTrue(e.getMessage().contains("close services.msc") && e.getMessage().contains("reboot"));
        assertTrue(e.getMessage().endsWith("undone: removed the test certificate from TrustedPublisher, removed the "
                + "test certificate from Root, removed " + installer.target()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void theSecondStoreFailingTakesBackTheFirst() {
        commands.exitFor.put("certutil -addstore -f TrustedPublisher", 5);
        InstallException e = assertThrows(InstallException.class, () -> installer.install(sys, cer, false, GOOD));
        assertEquals("could not trust " + cer + " in TrustedPublisher (certutil exit 5): CertUtil: failed for a "
                + "reason; undone: removed the test certificate from Root, removed " + installer.target(),
                e.getMessage());
        assertEquals(List.of(), scm.calls, "no service created");
    }

    @Test
    void anUndoThatFailsIsNamedForTheUserToDoByHand() {
        scm.failNext.put("mark", LoadErrors.ERROR_ACCESS_DENIED);
        commands.exitFor.put("certutil -delstore Root", 1);
        InstallException e = assertThrows(InstallException.class, () -> installer.install(sys, cer, false, GOOD));
        assertTrue(e.getMessage().endsWith("; NOT undone, do it by hand: removed the test certificate from Root "
                + "(certutil -delstore Root " + thumb() + " exit 1)"), e.getMessage());
    }

    @Test
    void aReplacedBinaryIsRestoredWhenTheInstallFails() throws Exception {
        Files.createDirectories(installer.target().getParent());
        Files.write(installer.target(), new byte[] {'M', 'Z', 9});
        scm.failNext.put("create", LoadErrors.ERROR_ACCESS_DENIED);
        assertThrows(InstallException.class, () -> installer.install(sys, null, false, GOOD));
        assertArrayEquals(new byte[] {'M', 'Z', 9}, Files.readAllBytes(installer.target()));
    }

    // ------------------------------------------------------------------ stopping a driver that is already stopping

    @Test
    void stopOfADriverAlreadyStoppingWaitsInsteadOfFailing() {
        installer.install(sys, null, false, GOOD);
        scm.start("MdlBridge");
        scm.calls.clear();
        scm.failNext.put("stop", LoadErrors.ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
        scm.pollsToStop = 3;
        // the query saw RUNNING; ControlService answers 1061 because another stop put it in STOP_PENDING meanwhile
        assertEquals(List.of("MdlBridge stopped"), installer.stop());
        assertEquals(List.of("stop"), scm.calls);
        assertEquals(2, slept.size(), "waited two polls");
    }

    @Test
    void aServiceSeenInStopPendingIsWaitedForWithoutAnotherStop() {
        installer.install(sys, null, false, GOOD);
        scm.pollsToStop = 3;
        scm.stopping("MdlBridge");
        scm.calls.clear();
        assertEquals(List.of("MdlBridge stopped"), installer.stop());
        assertEquals(List.of(), scm.calls, "no ControlService on a driver already stopping");
    }

    @Test
    void registryHelperErrorsBecomeTheOneLineFailureOfEveryOtherCall() {
        Win32Failure f = assertThrows(Win32Failure.class, () -> JnaServiceManager.registry("RegSetValueEx(x)", () -> {
            throw new com.sun.jna.LastErrorException(5);
        }));
        assertEquals(5, f.error());
        assertEquals("RegSetValueEx(x) failed: ERROR_ACCESS_DENIED (5)", f.getMessage());
    }

    @Test
    void memoryIntegrityIsShownAsAWarningAndInstallGoesOn() {
        machine.ci = java.util.Optional.of(SystemFacts.CI_TESTSIGN | SystemFacts.CI_HVCI_KMCI_ENABLED);
        List<String> done = installer.install(sys, null, false, GOOD);
        assertTrue(done.get(0).startsWith("warning: WARN memory-integrity: on (HVCI)"), done.toString());
        assertTrue(scm.services.containsKey("MdlBridge"));
    }
}
