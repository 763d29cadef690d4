package com.openfiskal.contracts.tse;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;

/**
 * Encodes and signs TR-03151 log messages in DER with definite lengths (TSE.md §3, §14.1): version 2, the
 * log-type OID, the certified data, serial, algorithm, counter, {@code unixTime} log time and the plain
 * r‖s signature over everything from version to log time (§5).
 */
public final class LogMessageWriter {

    private final byte[] serialNumber;
    private final TseAlgorithms.Algorithm algorithm;
    private final ECPrivateKey key;

    public LogMessageWriter(byte[] serialNumber, String algorithmOid, PrivateKey key) {
        if (serialNumber.length != 32) {
            throw new IllegalArgumentException("serial is a SHA-256 digest (32 bytes)");
        }
        this.serialNumber = serialNumber.clone();
        this.algorithm = TseAlgorithms.byOid(algorithmOid)
                .filter(a -> a.signatureLength() > 0)
                .orElseThrow(() -> new IllegalArgumentException("unsupported algorithm " + algorithmOid));
        if (!(key instanceof ECPrivateKey ec)
                || 2 * ((ec.getParams().getCurve().getField().getFieldSize() + 7) / 8) != algorithm.signatureLength()) {
            throw new IllegalArgumentException("the key does not fit " + algorithm.name());
        }
        this.key = ec;
    }

    /** A transaction log: [0] operation, [1] clientId, [2] processData, [3] processType, [5] transaction number. */
    public byte[] transactionLog(
            String operationType,
            String clientId,
            byte[] processData,
            String processType,
            long transactionNumber,
            long signatureCounter,
            Instant logTime) {
        byte[] certified = transactionData(operationType, clientId, processData, processType, transactionNumber);
        return sign(TseAlgorithms.TRANSACTION_LOG, certified, signatureCounter, logTime);
    }

    /** A system log: [0] operation, [1] systemOperationData (DER of the call's parameters, may be empty). */
    public byte[] systemLog(String operationType, byte[] systemOperationData, long signatureCounter, Instant logTime) {
        byte[] certified = Der.concat(Der.printable(0x80, operationType), Der.tlv(0x81, systemOperationData));
        return sign(TseAlgorithms.SYSTEM_LOG, certified, signatureCounter, logTime);
    }

    /** Parameters of a system operation as bare context-tagged strings, e.g. {@code [0] clientId}. */
    public static byte[] systemParameters(String... values) {
        byte[][] parts = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            parts[i] = Der.tlv(0x80 + i, values[i].getBytes(StandardCharsets.UTF_8));
        }
        return Der.concat(parts);
    }

    /**
     * The transaction log a TSE would have written, rebuilt from what a receipt or an export states about
     * it (TSE.md §3): a verifier compares it with the stored log and checks its signature.
     */
    public static byte[] rebuildTransactionLog(
            byte[] serialNumber,
            String algorithmOid,
            String operationType,
            String clientId,
            byte[] processData,
            String processType,
            long transactionNumber,
            long signatureCounter,
            Instant logTime,
            byte[] signature) {
        byte[] dtbs = dtbs(
                TseAlgorithms.TRANSACTION_LOG,
                transactionData(operationType, clientId, processData, processType, transactionNumber),
                serialNumber,
                algorithmOid,
                signatureCounter,
                logTime);
        return Der.tlv(0x30, Der.concat(dtbs, Der.tlv(0x04, signature)));
    }

    private static byte[] transactionData(
            String operationType, String clientId, byte[] processData, String processType, long transactionNumber) {
        return Der.concat(
                Der.printable(0x80, operationType),
                Der.printable(0x81, clientId),
                Der.tlv(0x82, processData),
                Der.printable(0x83, processType),
                Der.integer(0x85, transactionNumber));
    }

    private static byte[] dtbs(
            String logType,
            byte[] certified,
            byte[] serialNumber,
            String algorithmOid,
            long signatureCounter,
            Instant logTime) {
        return Der.concat(
                Der.integer(2),
                Der.tlv(0x06, TseAlgorithms.oidContent(logType)),
                certified,
                Der.tlv(0x04, serialNumber),
                Der.tlv(0x30, Der.tlv(0x06, TseAlgorithms.oidContent(algorithmOid))),
                Der.integer(signatureCounter),
                Der.integer(logTime.getEpochSecond()));
    }

    private byte[] sign(String logType, byte[] certified, long signatureCounter, Instant logTime) {
        byte[] dtbs = dtbs(logType, certified, serialNumber, algorithm.oid(), signatureCounter, logTime);
        byte[] signature = PlainEcdsa.sign(key, dtbs);
        return Der.tlv(0x30, Der.concat(dtbs, Der.tlv(0x04, signature)));
    }
}
