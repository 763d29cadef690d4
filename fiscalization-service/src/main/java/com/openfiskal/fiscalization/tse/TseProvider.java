package com.openfiskal.fiscalization.tse;

import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;

/**
 * The technical security system behind the KassenSichV signatures. The software TSE implements it for
 * development and tests; a certified cloud TSE (fiskaly SIGN DE v2 first) plugs in behind the same
 * interface. Calls are made inside the caller's database transaction, so that a signature and the
 * change it belongs to commit together.
 */
public interface TseProvider {

    /** Whether signatures of this provider have legal value (a BSI-certified TSE). */
    boolean certified();

    /** Creates and initialises a TSS for a register and registers the register as its client. */
    Uni<Tss> provision(String registerId, String clientSerial);

    /** StartTransaction: the TSE numbers the transaction. */
    Uni<SignedLog> startTransaction(String tssId, String clientSerial, String processType, byte[] processData);

    /** FinishTransaction of a started transaction, with the final processType and processData. */
    Uni<SignedLog> finishTransaction(
            String tssId, String clientSerial, long transactionNumber, String processType, byte[] processData);

    /** Whether {@link #signHeld} would sign now: callers that could group their work ask first. */
    default boolean signsHeld() {
        return false;
    }

    /**
     * StartTransaction and FinishTransaction of one receipt signed in this process, under the lock of a TSS
     * row the caller holds, without a statement: the logs go to {@code logs} for the caller to store. Null
     * when this provider does not sign that way (a remote TSE) or would not now; the caller then uses
     * {@link #startTransaction} and {@link #finishTransaction}.
     */
    default SignedLog[] signHeld(
            TssEntity tss, String clientSerial, String processType, byte[] processData, List<TseLogEntity> logs) {
        return null;
    }

    /** Authenticates as admin, deregisters the client and disables the TSS. */
    Uni<Void> decommission(String tssId, String clientSerial);

    /** A provisioned TSS as the register and the receipts show it. */
    record Tss(
            String id,
            String serialNumber,
            String publicKey,
            String signatureAlgorithm,
            String timeFormat,
            byte[] certificate) {}

    /** One signed log message and what the fiscal information needs of it. */
    record SignedLog(
            long transactionNumber, long signatureCounter, Instant logTime, byte[] signatureValue, byte[] message) {}

    /** The TSE could not be used; nothing was signed (phase 1 of API.md §8.5). */
    class TseUnavailableException extends RuntimeException {
        public TseUnavailableException(String message) {
            super(message);
        }
    }
}
