package com.openfiskal.dsfinvk.verify;

/**
 * One result of the verifier: where (file and CSV record number, 1 = the header; 0 = the whole file or
 * archive), which rule (the invariant IDs of DSFINVK.md §9 and the dialect rules of §4–§6), and what.
 */
public record Finding(Severity severity, String file, long row, String rule, String message) {

    public enum Severity {
        /** The archive breaks a rule. */
        ERROR,
        /** Allowed but unusual, or a rule that only some tools enforce. */
        WARNING,
        /** A signature that cannot be recomputed from the archive alone; never counted as passed. */
        UNVERIFIABLE
    }

    @Override
    public String toString() {
        return severity + " " + file + (row > 0 ? ":" + row : "") + " [" + rule + "] " + message;
    }
}
