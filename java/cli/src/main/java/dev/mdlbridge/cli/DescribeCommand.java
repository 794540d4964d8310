package dev.mdlbridge.cli;

import dev.mdlbridge.api.Describe;
import dev.mdlbridge.api.LockOperation;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.api.Step;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.result.Machines;
import dev.mdlbridge.result.ResultJson;
import dev.mdlbridge.result.RunResult;
import dev.mdlbridge.result.StepRecord;
import dev.mdlbridge.spi.SimulatorControl;
import dev.mdlbridge.spi.UserMemory;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code mdl describe}: what Windows puts in an MDL for a buffer of yours. Allocates a user buffer of
 * {@code offset + size} bytes, then IoAllocateMdl, MmProbeAndLockPages, MmGetSystemAddressForMdlSafe,
 * MmUnlockPages and IoFreeMdl on {@code size} bytes at {@code offset}, with the MDL after every step.
 */
@Command(name = "describe", sortOptions = false,
        description = "Describe a buffer with an MDL: allocate, probe and lock, map to system space, unlock, free.",
        footer = {"", "Exit codes: 0 every step succeeded, 1 a DDI failed, 2 bad usage."})
public final class DescribeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--size", required = true, converter = Sizes.class, paramLabel = "N",
            description = "Bytes to describe (10000, 0x2710, 64K, 1G); at most 4 GiB - 1 (a ULONG).")
    long size;

    @Option(names = "--offset", converter = Sizes.class, paramLabel = "K", defaultValue = "0",
            description = "Where the range starts in the buffer (default 0; 0x123 makes ByteOffset 0x123).")
    long offset;

    @Option(names = "--access", paramLabel = "read|write|modify", defaultValue = "read",
            description = "The lock operation: read (IoReadAccess), write (IoWriteAccess) or modify (IoModifyAccess).")
    String access;

    @Mixin
    OutputOptionsMixin.WithView output;

    @Mixin
    BackendOptionsMixin backendOptions;

    @Override
    public Integer call() {
        if (size > 0xFFFF_FFFFL) {
            throw new ParameterException(spec.commandLine(), "--size " + size + " does not fit IoAllocateMdl's ULONG "
                    + "length: give at most 4294967295 (Windows 7 and later accept up to 4 GiB - 4 KiB)");
        }
        if (offset > (1L << 40)) {
            throw new ParameterException(spec.commandLine(), "--offset " + offset + " is larger than any buffer "
                    + "this tool allocates: give an offset below 1 TiB (usually below one page, e.g. 0x123)");
        }
        LockOperation operation;
        try {
            operation = LockOperation.parse(access);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--access: " + e.getMessage());
        }
        String view = output.view("dt");
        String policy = backendOptions.policy();
        PrintWriter err = spec.commandLine().getErr();
        try (MdlBridge bridge = MdlBridge.open(policy, backendOptions.options(policy))) {
            err.println("mdl: backend " + bridge.selection().describe());
            err.flush();
            RunResult result = run(bridge, operation);
            PrintWriter out = spec.commandLine().getOut();
            if (output.json()) {
                out.flush();
                ResultJson.write(result, System.out, true);
                System.out.println();
                System.out.flush();
            } else {
                StepTable.print(out, result, "dt".equals(view));
                result.steps().stream().map(StepRecord::step).filter(s -> s.op().equals("MmUnlockPages"))
                        .findFirst().map(Step::before).filter(b -> b.pfnsValid()).ifPresent(b -> {
                            out.println("PFNs while locked (physical address = PFN << 12):");
                            PfnRuns.print(out, "  ", b.pfns());
                        });
                out.flush();
            }
            return result.passed() ? 0 : 1;
        }
    }

    private RunResult run(MdlBridge bridge, LockOperation operation) {
        UserMemory memory = bridge.memory();
        List<StepRecord> steps = new ArrayList<>();
        long total = offset + Math.max(size, 1);
        long base = memory.allocate(total, UserMemory.PAGE_READWRITE, false);
        steps.add(new StepRecord(0, Step.local("VirtualAlloc", NtStatus.SUCCESS, base, Step.ValueKind.ADDRESS, null),
                null));
        Describe d = bridge.describe(base + offset, (int) size, operation);
        for (Step s : d.steps()) {
            steps.add(new StepRecord(steps.size(), s, null));
        }
        memory.release(base);
        steps.add(new StepRecord(steps.size(), Step.local("VirtualFree", NtStatus.SUCCESS, 0, Step.ValueKind.NONE,
                null), null));
        String profile = bridge.backend().capability(SimulatorControl.class).map(SimulatorControl::profile)
                .orElse(backendOptions.profileOr("win10-x64"));
        return new RunResult(bridge.backend().name(), profile, Machines.of(bridge), steps, bridge.counters(), null);
    }
}
