package com.openfiskal.contracts.tse;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.ECDSASigner;

/**
 * ECDSA with the plain r‖s encoding of BSI TR-03111, as TSE log messages carry it. Signed with Bouncy
 * Castle's lightweight API on its custom curve implementations (fixed-base comb multiplication), which on
 * the machines measured in docs/performance.md signs P-256 about five times faster than the JDK 17
 * provider; signing is the costliest step of a sale. Verification stays with the JDK ({@link LogMessage}).
 */
final class PlainEcdsa {

    private static final ECDomainParameters P256 = domain("secp256r1");
    private static final ECDomainParameters P384 = domain("secp384r1");
    private static final SecureRandom RANDOM = new SecureRandom();

    private PlainEcdsa() {}

    /** Signs {@code data} with SHA-256 (P-256 keys) or SHA-384 (P-384 keys); r‖s, each the order's length. */
    static byte[] sign(ECPrivateKey key, byte[] data) {
        int bits = key.getParams().getCurve().getField().getFieldSize();
        ECDomainParameters domain;
        Digest digest;
        if (bits == 256) {
            domain = P256;
            digest = new SHA256Digest();
        } else if (bits == 384) {
            domain = P384;
            digest = new SHA384Digest();
        } else {
            throw new IllegalArgumentException("unsupported curve of " + bits + " bits");
        }
        digest.update(data, 0, data.length);
        byte[] hash = new byte[digest.getDigestSize()];
        digest.doFinal(hash, 0);
        ECDSASigner signer = new ECDSASigner();
        signer.init(true, new ParametersWithRandom(new ECPrivateKeyParameters(key.getS(), domain), RANDOM));
        BigInteger[] rs = signer.generateSignature(hash);
        int length = (bits + 7) / 8;
        byte[] out = new byte[2 * length];
        unsigned(rs[0], out, 0, length);
        unsigned(rs[1], out, length, length);
        return out;
    }

    private static void unsigned(BigInteger value, byte[] out, int offset, int length) {
        byte[] b = value.toByteArray();
        int start = b.length > length ? b.length - length : 0;
        int copy = b.length - start;
        System.arraycopy(b, start, out, offset + length - copy, copy);
    }

    private static ECDomainParameters domain(String name) {
        X9ECParameters x9 = CustomNamedCurves.getByName(name);
        return new ECDomainParameters(x9.getCurve(), x9.getG(), x9.getN(), x9.getH());
    }
}
