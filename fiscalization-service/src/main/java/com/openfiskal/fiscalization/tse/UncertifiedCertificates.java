package com.openfiskal.fiscalization.tse;

import java.math.BigInteger;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The software TSE's self-signed certificate. Its subject says, in the words of TSE.md §14, that it is
 * not a certified TSE, so the label travels with every export that carries the certificate.
 */
final class UncertifiedCertificates {

    static final String SUBJECT = "CN=UNCERTIFIED SOFTWARE TSE - NOT FOR FISCAL USE,O=OpenFiskal UNCERTIFIED TEST CA";

    private UncertifiedCertificates() {}

    static byte[] selfSigned(KeyPair pair, String serialHex, String jdkAlgorithm, Instant now) {
        X500Name name = new X500Name(SUBJECT + ",SERIALNUMBER=" + serialHex);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                name,
                BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now),
                Date.from(now.plus(Duration.ofDays(3650))),
                name,
                pair.getPublic());
        try {
            return builder.build(new JcaContentSignerBuilder(jdkAlgorithm).build(pair.getPrivate()))
                    .getEncoded();
        } catch (OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("could not create the TSE certificate", e);
        }
    }
}
