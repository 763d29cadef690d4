package com.openfiskal.contracts.tse;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;

/** TSE public keys as the KassenSichV writes them: the uncompressed point, and its SHA-256 as serial (TSE.md §7). */
public final class TseKeys {

    private TseKeys() {}

    /** {@code 04 ‖ X ‖ Y}, each coordinate left-padded to the field size. */
    public static byte[] uncompressedPoint(ECPublicKey key) {
        int size = (key.getParams().getCurve().getField().getFieldSize() + 7) / 8;
        byte[] out = new byte[1 + 2 * size];
        out[0] = 0x04;
        copyPadded(key.getW().getAffineX(), out, 1, size);
        copyPadded(key.getW().getAffineY(), out, 1 + size, size);
        return out;
    }

    /** The TSE serial number: SHA-256 over the uncompressed point (not over the SubjectPublicKeyInfo). */
    public static byte[] serialNumber(ECPublicKey key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(uncompressedPoint(key));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A public key from its uncompressed point on the curve of {@code params}. */
    public static PublicKey fromPoint(byte[] point, ECParameterSpec params) {
        int size = (point.length - 1) / 2;
        if (point[0] != 0x04 || point.length != 1 + 2 * size) {
            throw new IllegalArgumentException("not an uncompressed point");
        }
        ECPoint w = new ECPoint(
                new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + size)),
                new BigInteger(1, Arrays.copyOfRange(point, 1 + size, point.length)));
        try {
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, params));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("point is not on the curve", e);
        }
    }

    private static void copyPadded(BigInteger value, byte[] out, int offset, int size) {
        byte[] b = value.toByteArray();
        int start = b.length > size ? b.length - size : 0;
        int len = b.length - start;
        System.arraycopy(b, start, out, offset + size - len, len);
    }
}
