package com.openfiskal.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the CPU of a measured run went, per completed sale and per part of the local stack: the three
 * services, PostgreSQL (all its processes), the launcher's JVM (which runs the Kafka broker), and this load
 * generator. Everything shares the machine, so this answers "where does the time go" in the same run as the
 * throughput, and the machine's cores divided by the total is the throughput this work per sale allows.
 *
 * <p>Read from {@code /proc/<pid>/stat} (user + system time of all threads) at the start and the end of the
 * run; on a machine without {@code /proc}, or when the stack runs elsewhere, there is nothing to report.
 */
final class CpuAccount {

    /** The parts in the order they are reported. */
    private static final List<String> PARTS = List.of(
            "fiscalization-service",
            "PostgreSQL",
            "export-service",
            "receipts-service",
            "Kafka (launcher JVM)",
            "load generator");

    private final Map<String, Long> ticks;
    private final long startNanos;

    private CpuAccount(Map<String, Long> ticks, long startNanos) {
        this.ticks = ticks;
        this.startNanos = startNanos;
    }

    static CpuAccount start() {
        return new CpuAccount(read(), System.nanoTime());
    }

    /** The report for {@code sales} completed since {@link #start}, or empty when /proc tells nothing. */
    Optional<String> report(long sales) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Double> parts = perSale(sales);
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder("  CPU per completed sale (ms):");
        double total = 0;
        for (Map.Entry<String, Double> part : parts.entrySet()) {
            total += part.getValue();
            out.append(String.format(Locale.ROOT, " %s %.2f,", part.getKey(), part.getValue()));
        }
        int cores = Runtime.getRuntime().availableProcessors();
        out.setLength(out.length() - 1);
        out.append(String.format(
                Locale.ROOT,
                "%n  all of it %.2f ms per sale: %d cores carry at most %.0f sales/s of this work"
                        + " (the machine was %.0f %% busy with it)",
                total,
                cores,
                cores * 1000.0 / total,
                100.0 * total * sales / 1000.0 / (seconds * cores)));
        return Optional.of(out.toString());
    }

    /**
     * Milliseconds of CPU per sale for each part present, in report order, for {@code sales} completed since
     * {@link #start}; empty when /proc tells nothing.
     */
    Map<String, Double> perSale(long sales) {
        Map<String, Long> now = read();
        Map<String, Double> out = new LinkedHashMap<>();
        if (now.isEmpty() || sales == 0) {
            return out;
        }
        double tickMs = 1000.0 / clockTicksPerSecond();
        for (String part : PARTS) {
            if (!now.containsKey(part)) {
                continue;
            }
            // processes that ended during the run drop out; one that started counts from zero
            long used = now.get(part) - ticks.getOrDefault(part, 0L);
            out.put(part, Math.max(0, used) * tickMs / sales);
        }
        return out;
    }

    private static Map<String, Long> read() {
        Map<String, Long> out = new LinkedHashMap<>();
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            return out;
        }
        long self = ProcessHandle.current().pid();
        ProcessHandle.allProcesses().forEach(p -> {
            String part = p.pid() == self ? "load generator" : part(p.pid());
            if (part != null) {
                long t = ticks(p.pid());
                if (t >= 0) {
                    out.merge(part, t, Long::sum);
                }
            }
        });
        return out;
    }

    private static String part(long pid) {
        String cmd;
        try {
            cmd = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"))).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return null;
        }
        for (String service : List.of("fiscalization-service", "export-service", "receipts-service")) {
            if (cmd.contains(service + "/target/quarkus-app/")) {
                return service;
            }
        }
        if (cmd.contains("com.openfiskal.local.Launcher")) {
            return "Kafka (launcher JVM)";
        }
        String comm;
        try {
            comm = Files.readString(Path.of("/proc", Long.toString(pid), "comm"))
                    .trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
        // the embedded server's postmaster and every backend it forks
        return comm.equals("postgres") ? "PostgreSQL" : null;
    }

    /** utime + stime of the process (all its threads) in clock ticks, or -1 when it is gone. */
    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name may hold spaces and parentheses: the fields start after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
