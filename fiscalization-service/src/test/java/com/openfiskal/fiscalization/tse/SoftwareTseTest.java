package com.openfiskal.fiscalization.tse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openfiskal.contracts.ids.Ids;
import com.openfiskal.contracts.tse.LogMessage;
import com.openfiskal.contracts.tse.TseKeys;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The software TSE against the real database: keys, certificate, log messages, counters (TSE.md §3–§14). */
@QuarkusTest
class SoftwareTseTest {

    @Inject
    TseProvider tse;

    @Inject
    MasterKeyRotation rotation;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "openfiskal.tse.master-key")
    String masterKey;

    @Test
    void shouldProvisionAnUncertifiedTssWhoseSerialIsTheHashOfItsKey() throws Throwable {
        String register = Ids.next(Ids.REGISTER);
        TseProvider.Tss tss = tx(() -> tse.provision(register, register));
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(tss.certificate()));
        assertTrue(cert.getSubjectX500Principal().getName().contains("UNCERTIFIED SOFTWARE TSE - NOT FOR FISCAL USE"));
        byte[] point = Base64.getDecoder().decode(tss.publicKey());
        assertEquals(65, point.length);
        assertEquals('B', tss.publicKey().charAt(0));
        assertArrayEquals(point, TseKeys.uncompressedPoint((ECPublicKey) cert.getPublicKey()));
        assertEquals(
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(point)), tss.serialNumber());
        assertEquals("ecdsa-plain-SHA256", tss.signatureAlgorithm());
        assertEquals("unixTime", tss.timeFormat());
        assertFalse(tse.certified());

        TssEntity stored = tx(() -> TssEntity.<TssEntity>findById(tss.id()));
        assertEquals(2, stored.signatureCounter, "initialize and registerClient are signed system logs");
        assertThrows(
                java.security.spec.InvalidKeySpecException.class,
                () -> java.security.KeyFactory.getInstance("EC")
                        .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(stored.encryptedPrivateKey)),
                "the private key is not stored in the clear");
    }

    @Test
    void shouldSignTransactionsWithGapFreeCountersAndStoreEveryLogAsSigned() throws Throwable {
        String register = Ids.next(Ids.REGISTER);
        TseProvider.Tss tss = tx(() -> tse.provision(register, register));
        ECPublicKey key = (ECPublicKey) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(tss.certificate()))
                .getPublicKey();
        byte[] data = "Beleg^11.90_2.14_0.00_0.00_0.96^5.00:Bar_10.00:Unbar".getBytes(StandardCharsets.UTF_8);

        TseProvider.SignedLog start1 =
                tx(() -> tse.startTransaction(tss.id(), register, "Kassenbeleg-V1", new byte[0]));
        TseProvider.SignedLog start2 =
                tx(() -> tse.startTransaction(tss.id(), register, "Kassenbeleg-V1", new byte[0]));
        TseProvider.SignedLog finish2 =
                tx(() -> tse.finishTransaction(tss.id(), register, start2.transactionNumber(), "Kassenbeleg-V1", data));
        TseProvider.SignedLog finish1 =
                tx(() -> tse.finishTransaction(tss.id(), register, start1.transactionNumber(), "Kassenbeleg-V1", data));

        assertEquals(1, start1.transactionNumber());
        assertEquals(2, start2.transactionNumber());
        assertEquals(
                List.of(3L, 4L, 5L, 6L),
                List.of(
                        start1.signatureCounter(),
                        start2.signatureCounter(),
                        finish2.signatureCounter(),
                        finish1.signatureCounter()));

        LogMessage finish = LogMessage.parse(finish1.message());
        assertEquals("FinishTransaction", finish.operationType());
        assertEquals(register, finish.clientId());
        assertArrayEquals(data, finish.processData());
        assertEquals(1L, finish.transactionNumber());
        assertArrayEquals(finish1.signatureValue(), finish.signatureValue());
        assertTrue(finish.verify(key));

        List<TseLogEntity> logs =
                tx(() -> TseLogEntity.<TseLogEntity>list("tssId = ?1 order by signatureCounter", tss.id()));
        List<Long> counters = new ArrayList<>();
        for (TseLogEntity log : logs) {
            counters.add(log.signatureCounter);
            LogMessage parsed = LogMessage.parse(log.message);
            assertEquals(log.signatureCounter, parsed.signatureCounter());
            assertTrue(parsed.verify(key), "log " + log.signatureCounter + " verifies");
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), counters);
        assertArrayEquals(finish1.message(), logs.get(5).message, "the stored bytes are the signed bytes");
    }

    @Test
    void shouldRefuseToFinishATransactionThatWasNeverStartedAndLeaveNoGap() throws Throwable {
        String register = Ids.next(Ids.REGISTER);
        TseProvider.Tss tss = tx(() -> tse.provision(register, register));
        assertThrows(
                IllegalStateException.class,
                () -> tx(() -> tse.finishTransaction(tss.id(), register, 41, "Kassenbeleg-V1", new byte[0])));
        TseProvider.SignedLog next = tx(() -> tse.startTransaction(tss.id(), register, "Kassenbeleg-V1", new byte[0]));
        assertEquals(3, next.signatureCounter());
    }

    @Test
    void shouldDeregisterTheClientAndDisableTheTssOnDecommission() throws Throwable {
        String register = Ids.next(Ids.REGISTER);
        TseProvider.Tss tss = tx(() -> tse.provision(register, register));
        tx(() -> tse.decommission(tss.id(), register));
        TssEntity stored = tx(() -> TssEntity.<TssEntity>findById(tss.id()));
        assertEquals("DISABLED", stored.state);
        assertEquals(5, stored.signatureCounter, "authenticateUser, deregisterClient, disableSecureElement");
        TseClientEntity.Key key = new TseClientEntity.Key();
        key.tssId = tss.id();
        key.serialNumber = register;
        assertEquals("DEREGISTERED", tx(() -> TseClientEntity.<TseClientEntity>findById(key)).state);
        assertThrows(
                TseProvider.TseUnavailableException.class,
                () -> tx(() -> tse.startTransaction(tss.id(), register, "Kassenbeleg-V1", new byte[0])));
        assertNotEquals(null, stored.disabledAt);
    }

    @Test
    void aMasterKeyRotationResealsEveryTssSecretAndTheTssStillSigns() throws Throwable {
        String register = Ids.next(Ids.REGISTER);
        TseProvider.Tss tss = tx(() -> tse.provision(register, register));
        String next =
                Base64.getEncoder().encodeToString("rotated-master-key-for-the-test!".getBytes(StandardCharsets.UTF_8));
        java.util.Optional<String> none = java.util.Optional.empty();

        // the new key current, ours previous: everything is resealed, and only the new key opens it then
        assertTrue(rotation.rotate(new KeyVault(next, java.util.Optional.of(masterKey))) >= 2);
        TssEntity rotated = tx(() -> TssEntity.<TssEntity>findById(tss.id()));
        new KeyVault(next, none).decrypt(rotated.encryptedPrivateKey, tss.id());
        new KeyVault(next, none).decrypt(rotated.encryptedAdminPin, tss.id());
        assertThrows(
                IllegalStateException.class,
                () -> new KeyVault(masterKey, none).decrypt(rotated.encryptedPrivateKey, tss.id()));
        assertEquals(
                0, rotation.rotate(new KeyVault(next, java.util.Optional.of(masterKey))), "a second run finds nothing");

        // and back (the service under test holds our key): the TSS signs with what is stored
        assertTrue(rotation.rotate(new KeyVault(masterKey, java.util.Optional.of(next))) >= 2);
        TseProvider.SignedLog start = tx(() -> tse.startTransaction(tss.id(), register, "Kassenbeleg-V1", new byte[0]));
        ECPublicKey key = (ECPublicKey) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(tss.certificate()))
                .getPublicKey();
        assertTrue(LogMessage.parse(start.message()).verify(key));
    }

    private static <T> T tx(Supplier<Uni<T>> work) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(work));
    }
}
