package com.openfiskal.contracts.tse;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * The little ASN.1 that TSE log messages need: writing DER TLVs with definite lengths, and walking
 * BER TLVs as stored (definite or indefinite length) without re-encoding them, because the signature
 * covers the stored bytes (TSE.md §5).
 */
final class Der {

    private Der() {}

    /** One TLV as found in the input: where it starts, where its value starts and ends, where it ends. */
    record Tlv(int tag, int start, int valueStart, int valueEnd, int end, boolean indefinite) {

        boolean constructed() {
            return (tag & 0x20) != 0;
        }
    }

    static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        writeLength(out, value.length);
        out.writeBytes(value);
        return out.toByteArray();
    }

    static byte[] integer(long value) {
        return tlv(0x02, BigInteger.valueOf(value).toByteArray());
    }

    static byte[] integer(int tag, long value) {
        return tlv(tag, BigInteger.valueOf(value).toByteArray());
    }

    static byte[] printable(int tag, String value) {
        return tlv(tag, value.getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            if (p != null) {
                out.writeBytes(p);
            }
        }
        return out.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write(length >> 8);
            out.write(length);
        }
    }

    /** Reads the TLV at {@code pos}; indefinite lengths are followed to their end-of-contents octets. */
    static Tlv read(byte[] in, int pos, int limit) {
        if (pos + 2 > limit) {
            throw new TseFormatException("truncated TLV at offset " + pos);
        }
        int tag = in[pos] & 0xFF;
        if ((tag & 0x1F) == 0x1F) {
            throw new TseFormatException("multi-byte tags are not used in log messages (offset " + pos + ")");
        }
        int p = pos + 1;
        int first = in[p++] & 0xFF;
        if (first == 0x80) {
            if ((tag & 0x20) == 0) {
                throw new TseFormatException("indefinite length on a primitive TLV at offset " + pos);
            }
            int q = p;
            while (true) {
                if (q + 2 > limit) {
                    throw new TseFormatException("unterminated indefinite length at offset " + pos);
                }
                if (in[q] == 0 && in[q + 1] == 0) {
                    return new Tlv(tag, pos, p, q, q + 2, true);
                }
                q = read(in, q, limit).end();
            }
        }
        int length;
        if (first < 0x80) {
            length = first;
        } else {
            int n = first & 0x7F;
            if (n > 3 || p + n > limit) {
                throw new TseFormatException("unsupported length at offset " + pos);
            }
            length = 0;
            for (int i = 0; i < n; i++) {
                length = (length << 8) | (in[p++] & 0xFF);
            }
        }
        if (p + length > limit) {
            throw new TseFormatException("TLV at offset " + pos + " runs past its container");
        }
        return new Tlv(tag, pos, p, p + length, p + length, false);
    }

    /** The value of a primitive TLV, or the concatenated chunks of a constructed one (BER OCTET STRING). */
    static byte[] octets(byte[] in, Tlv t) {
        if (!t.constructed()) {
            return java.util.Arrays.copyOfRange(in, t.valueStart(), t.valueEnd());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int p = t.valueStart();
        while (p < t.valueEnd()) {
            Tlv chunk = read(in, p, t.valueEnd());
            out.writeBytes(octets(in, chunk));
            p = chunk.end();
        }
        return out.toByteArray();
    }

    static long integerValue(byte[] in, Tlv t) {
        return new BigInteger(java.util.Arrays.copyOfRange(in, t.valueStart(), t.valueEnd())).longValueExact();
    }
}
