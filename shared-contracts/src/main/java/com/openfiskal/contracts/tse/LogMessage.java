package com.openfiskal.contracts.tse;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A TR-03151 log message as stored (TSE.md §3), parsed without re-encoding: the signed bytes are taken
 * from the input exactly, so BER indefinite lengths of other vendors verify too (§5).
 */
public final class LogMessage {

    public enum Kind {
        TRANSACTION,
        SYSTEM,
        AUDIT
    }

    private final byte[] raw;
    private final Kind kind;
    private final Map<Integer, byte[]> certifiedData;
    private final byte[] serialNumber;
    private final String algorithmOid;
    private final byte[] seAuditData;
    private final long signatureCounter;
    private final Instant logTime;
    private final String timeFormat;
    private final byte[] signatureValue;
    private final int dtbsStart;
    private final int dtbsEnd;

    private LogMessage(
            byte[] raw,
            Kind kind,
            Map<Integer, byte[]> certifiedData,
            byte[] serialNumber,
            String algorithmOid,
            byte[] seAuditData,
            long signatureCounter,
            Instant logTime,
            String timeFormat,
            byte[] signatureValue,
            int dtbsStart,
            int dtbsEnd) {
        this.raw = raw;
        this.kind = kind;
        this.certifiedData = certifiedData;
        this.serialNumber = serialNumber;
        this.algorithmOid = algorithmOid;
        this.seAuditData = seAuditData;
        this.signatureCounter = signatureCounter;
        this.logTime = logTime;
        this.timeFormat = timeFormat;
        this.signatureValue = signatureValue;
        this.dtbsStart = dtbsStart;
        this.dtbsEnd = dtbsEnd;
    }

    /** Parses one stored log message; nothing may follow it. */
    public static LogMessage parse(byte[] raw) {
        Der.Tlv outer = Der.read(raw, 0, raw.length);
        if (outer.tag() != 0x30 || outer.end() != raw.length) {
            throw new TseFormatException("not a single LogMessage SEQUENCE");
        }
        int limit = outer.valueEnd();
        int p = outer.valueStart();
        Der.Tlv version = expect(raw, p, limit, 0x02, "version");
        if (Der.integerValue(raw, version) != 2) {
            throw new TseFormatException("version is not 2");
        }
        Der.Tlv type = expect(raw, version.end(), limit, 0x06, "certifiedDataType");
        String typeOid = TseAlgorithms.oid(Arrays.copyOfRange(raw, type.valueStart(), type.valueEnd()));
        Kind kind = switch (typeOid) {
            case TseAlgorithms.TRANSACTION_LOG -> Kind.TRANSACTION;
            case TseAlgorithms.SYSTEM_LOG -> Kind.SYSTEM;
            case TseAlgorithms.AUDIT_LOG -> Kind.AUDIT;
            default -> throw new TseFormatException("unknown certifiedDataType " + typeOid);
        };
        p = type.end();
        Map<Integer, byte[]> data = new HashMap<>();
        Der.Tlv next = Der.read(raw, p, limit);
        while ((next.tag() & 0xC0) == 0x80) {
            data.put(next.tag() & 0x1F, Der.octets(raw, next));
            p = next.end();
            next = Der.read(raw, p, limit);
        }
        Der.Tlv serial = expect(raw, p, limit, 0x04, "serialNumber");
        Der.Tlv algorithm = expect(raw, serial.end(), limit, 0x30, "signatureAlgorithm");
        Der.Tlv algorithmId = expect(raw, algorithm.valueStart(), algorithm.valueEnd(), 0x06, "algorithm");
        p = algorithm.end();
        byte[] audit = null;
        next = Der.read(raw, p, limit);
        if (next.tag() == 0x04) {
            audit = Der.octets(raw, next);
            p = next.end();
        }
        Der.Tlv counter = expect(raw, p, limit, 0x02, "signatureCounter");
        Der.Tlv time = Der.read(raw, counter.end(), limit);
        Der.Tlv signature = expect(raw, time.end(), limit, 0x04, "signatureValue");
        if (signature.end() != limit) {
            throw new TseFormatException("data after signatureValue");
        }
        return new LogMessage(
                raw,
                kind,
                data,
                Der.octets(raw, serial),
                TseAlgorithms.oid(Arrays.copyOfRange(raw, algorithmId.valueStart(), algorithmId.valueEnd())),
                audit,
                Der.integerValue(raw, counter),
                logTime(raw, time),
                timeFormat(raw, time),
                Der.octets(raw, signature),
                outer.valueStart(),
                signature.start());
    }

    private static Der.Tlv expect(byte[] raw, int pos, int limit, int tag, String what) {
        Der.Tlv t = Der.read(raw, pos, limit);
        if (t.tag() != tag) {
            throw new TseFormatException(what + ": expected tag " + Integer.toHexString(tag) + " at offset " + pos
                    + ", found " + Integer.toHexString(t.tag()));
        }
        return t;
    }

    private static Instant logTime(byte[] raw, Der.Tlv t) {
        String text = new String(raw, t.valueStart(), t.valueEnd() - t.valueStart(), StandardCharsets.US_ASCII);
        return switch (t.tag()) {
            case 0x02 -> Instant.ofEpochSecond(Der.integerValue(raw, t));
            case 0x17 ->
                LocalDateTime.parse(
                                "20" + text.replace("Z", ""),
                                DateTimeFormatter.ofPattern(text.length() == 13 ? "yyyyMMddHHmmss" : "yyyyMMddHHmm"))
                        .toInstant(ZoneOffset.UTC);
            case 0x18 ->
                LocalDateTime.parse(
                                text.replace("Z", ""),
                                DateTimeFormatter.ofPattern(
                                        text.contains(".") ? "yyyyMMddHHmmss.SSS" : "yyyyMMddHHmmss"))
                        .toInstant(ZoneOffset.UTC);
            default -> throw new TseFormatException("logTime has tag " + Integer.toHexString(t.tag()));
        };
    }

    private static String timeFormat(byte[] raw, Der.Tlv t) {
        int length = t.valueEnd() - t.valueStart();
        return switch (t.tag()) {
            case 0x02 -> "unixTime";
            case 0x17 -> length == 13 ? "utcTimeWithSeconds" : "utcTime";
            default -> length > 15 ? "generalizedTimeWithMilliseconds" : "generalizedTime";
        };
    }

    /** The data to be signed: every element from version to logTime, as stored (TSE.md §5). */
    public byte[] dtbs() {
        return Arrays.copyOfRange(raw, dtbsStart, dtbsEnd);
    }

    /** Verifies the plain r‖s signature over the stored bytes with the TSE's public key. */
    public boolean verify(PublicKey key) {
        TseAlgorithms.Algorithm algorithm = TseAlgorithms.byOid(algorithmOid)
                .orElseThrow(() -> new TseFormatException("unsupported signature algorithm " + algorithmOid));
        try {
            Signature s = Signature.getInstance(algorithm.jdkSignature());
            s.initVerify(key);
            s.update(raw, dtbsStart, dtbsEnd - dtbsStart);
            return s.verify(signatureValue);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    public Kind kind() {
        return kind;
    }

    /** [0] operationType of transaction and system logs, e.g. {@code FinishTransaction}, {@code registerClient}. */
    public String operationType() {
        return text(0);
    }

    /** [1] clientId of a transaction log. */
    public String clientId() {
        return kind == Kind.TRANSACTION ? text(1) : null;
    }

    /** [2] processData of a transaction log, the concatenated chunks when constructed. */
    public byte[] processData() {
        return kind == Kind.TRANSACTION ? certifiedData.get(2) : null;
    }

    /** [3] processType of a transaction log. */
    public String processType() {
        return kind == Kind.TRANSACTION ? text(3) : null;
    }

    /** [5] transactionNumber of a transaction log. */
    public Long transactionNumber() {
        byte[] v = kind == Kind.TRANSACTION ? certifiedData.get(5) : null;
        return v == null ? null : new java.math.BigInteger(v).longValueExact();
    }

    public byte[] serialNumber() {
        return serialNumber.clone();
    }

    public String algorithmOid() {
        return algorithmOid;
    }

    public byte[] seAuditData() {
        return seAuditData == null ? null : seAuditData.clone();
    }

    public long signatureCounter() {
        return signatureCounter;
    }

    public Instant logTime() {
        return logTime;
    }

    public String timeFormat() {
        return timeFormat;
    }

    public byte[] signatureValue() {
        return signatureValue.clone();
    }

    public byte[] raw() {
        return raw.clone();
    }

    private String text(int tag) {
        byte[] v = certifiedData.get(tag);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }
}
