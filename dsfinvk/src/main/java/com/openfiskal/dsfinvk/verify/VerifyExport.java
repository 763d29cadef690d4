package com.openfiskal.dsfinvk.verify;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code ./openfiskal verify-export FILE.tar}: prints every finding with file, row and rule, then a summary;
 * exits 1 when the archive has errors, 2 when it cannot be read.
 */
public final class VerifyExport {

    private VerifyExport() {}

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: ./openfiskal verify-export FILE.tar");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        Verifier.Report report;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            report = Verifier.verify(in);
        } catch (Exception e) {
            System.err.println(file + ": cannot be read as a TAR archive: " + e.getMessage());
            System.exit(2);
            return;
        }
        report.findings().forEach(System.out::println);
        System.out.printf(
                "%s: %s — %d Bons, %d signatures recomputed and verified, %d errors, %d warnings, %d unverifiable%n",
                file,
                report.ok() ? "PASSED" : "FAILED",
                report.bons(),
                report.signaturesVerified(),
                report.count(Finding.Severity.ERROR),
                report.count(Finding.Severity.WARNING),
                report.count(Finding.Severity.UNVERIFIABLE));
        System.exit(report.ok() ? 0 : 1);
    }
}
