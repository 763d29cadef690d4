package com.openfiskal.fiscalization.tse;

import com.openfiskal.contracts.auth.SecurityConfig;
import com.openfiskal.contracts.tse.LogMessage;
import com.openfiskal.contracts.tse.LogMessageWriter;
import com.openfiskal.contracts.tse.TseAlgorithms;
import com.openfiskal.contracts.tse.TseKeys;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.hibernate.LockMode;

/**
 * The software TSE: real ECDSA keys and TR-03151 log messages, but no certified hardware and no legal
 * value (TSE.md §14). One TSS per register. The signature counter is incremented on the locked TSS row
 * in the caller's transaction and every log is stored with its counter as key, so a counter is never
 * skipped (nothing signed leaves an uncommitted transaction) and never repeated (primary key).
 */
@ApplicationScoped
public class SoftwareTse implements TseProvider {

    static final String TIME_FORMAT = "unixTime";

    private final TseConfig config;
    private final KeyVault vault;
    private final SecureRandom random = new SecureRandom();
    private final AtomicReference<TseConfig.Fault> fault;

    public SoftwareTse(TseConfig config, KeyVault vault) {
        this.config = config;
        this.vault = vault;
        this.fault = new AtomicReference<>(config.fault());
    }

    /**
     * Switches fault injection at run time, so that a test can fail a complete in phase 2 and then let
     * the retry succeed. Refused in a live deployment like the software TSE itself.
     */
    public void injectFault(TseConfig.Fault f) {
        fault.set(f);
    }

    /** A live deployment never runs an uncertified TSE, nor one that injects faults. */
    void refuseInLive(@Observes StartupEvent ev, SecurityConfig security) {
        if ("live".equals(security.environment())) {
            throw new IllegalStateException("The software TSE is not certified and cannot run in a live deployment;"
                    + " configure a certified TSE provider");
        }
    }

    @Override
    public boolean certified() {
        return false;
    }

    @Override
    @WithTransaction
    public Uni<Tss> provision(String registerId, String clientSerial) {
        if (fault.get() == TseConfig.Fault.UNREACHABLE) {
            return Uni.createFrom().failure(new TseUnavailableException("The TSE is unreachable (fault injection)."));
        }
        boolean p384 = "P-384".equalsIgnoreCase(config.curve());
        String algorithmOid = p384 ? TseAlgorithms.ECDSA_PLAIN_SHA384 : TseAlgorithms.ECDSA_PLAIN_SHA256;
        TseAlgorithms.Algorithm algorithm = TseAlgorithms.byOid(algorithmOid).orElseThrow();
        KeyPair pair = generate(p384 ? "secp384r1" : "secp256r1");
        ECPublicKey pub = (ECPublicKey) pair.getPublic();
        String serial = HexFormat.of().formatHex(TseKeys.serialNumber(pub));
        Instant now = Instant.now();
        TssEntity tss = new TssEntity();
        tss.id = "tss_" + serial.substring(0, 32);
        tss.registerId = registerId;
        tss.state = "INITIALIZED";
        tss.signatureAlgorithm = algorithm.name();
        tss.publicKey = TseKeys.uncompressedPoint(pub);
        tss.serialNumber = serial;
        tss.encryptedPrivateKey = vault.encrypt(pair.getPrivate().getEncoded(), tss.id);
        tss.certificate =
                UncertifiedCertificates.selfSigned(pair, serial, p384 ? "SHA384withECDSA" : "SHA256withECDSA", now);
        byte[] pin = new byte[16];
        random.nextBytes(pin);
        tss.encryptedAdminPin = vault.encrypt(HexFormat.of().formatHex(pin).getBytes(), tss.id);
        tss.signatureCounter = 0;
        tss.transactionCounter = 0;
        tss.createdAt = now.truncatedTo(ChronoUnit.MILLIS);
        TseClientEntity client = new TseClientEntity();
        client.tssId = tss.id;
        client.serialNumber = clientSerial;
        client.state = "REGISTERED";
        client.createdAt = tss.createdAt;
        return tss.persist()
                .flatMap(x -> client.persist())
                .flatMap(x -> systemLog(tss, "initialize", new byte[0]))
                .flatMap(x -> systemLog(tss, "registerClient", LogMessageWriter.systemParameters(clientSerial)))
                .map(x -> new Tss(
                        tss.id,
                        serial,
                        Base64.getEncoder().encodeToString(tss.publicKey),
                        tss.signatureAlgorithm,
                        TIME_FORMAT,
                        tss.certificate));
    }

    @Override
    @WithTransaction
    public Uni<SignedLog> startTransaction(String tssId, String clientSerial, String processType, byte[] processData) {
        if (fault.get() == TseConfig.Fault.UNREACHABLE || fault.get() == TseConfig.Fault.FAIL_BEFORE_START) {
            return Uni.createFrom().failure(new TseUnavailableException("StartTransaction failed (fault injection)."));
        }
        return activeTss(tssId, clientSerial).flatMap(tss -> {
            tss.transactionCounter++;
            return transactionLog(
                    tss, "StartTransaction", clientSerial, processData, processType, tss.transactionCounter);
        });
    }

    @Override
    @WithTransaction
    public Uni<SignedLog> finishTransaction(
            String tssId, String clientSerial, long transactionNumber, String processType, byte[] processData) {
        if (fault.get() != TseConfig.Fault.NONE) {
            return Uni.createFrom().failure(new TseUnavailableException("FinishTransaction failed (fault injection)."));
        }
        return activeTss(tssId, clientSerial)
                .flatMap(tss -> TseLogEntity.count(
                                "tssId = ?1 and transactionNumber = ?2 and operationType = 'StartTransaction' and clientId = ?3",
                                tssId,
                                transactionNumber,
                                clientSerial)
                        .flatMap(started -> {
                            if (started == 0) {
                                return Uni.createFrom()
                                        .failure(new IllegalStateException("transaction " + transactionNumber
                                                + " was never started by " + clientSerial));
                            }
                            return transactionLog(
                                    tss,
                                    "FinishTransaction",
                                    clientSerial,
                                    processData,
                                    processType,
                                    transactionNumber);
                        }));
    }

    @Override
    @WithTransaction
    public Uni<Void> decommission(String tssId, String clientSerial) {
        if (fault.get() == TseConfig.Fault.UNREACHABLE) {
            return Uni.createFrom().failure(new TseUnavailableException("The TSE is unreachable (fault injection)."));
        }
        return activeTss(tssId, clientSerial)
                .call(tss -> systemLog(tss, "authenticateUser", LogMessageWriter.systemParameters("admin")))
                .call(tss -> systemLog(tss, "deregisterClient", LogMessageWriter.systemParameters(clientSerial)))
                .call(tss -> TseClientEntity.update(
                        "state = 'DEREGISTERED' where tssId = ?1 and serialNumber = ?2", tssId, clientSerial))
                .call(tss -> systemLog(tss, "disableSecureElement", new byte[0]))
                .invoke(tss -> {
                    tss.state = "DISABLED";
                    tss.disabledAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                })
                .replaceWithVoid();
    }

    private Uni<TssEntity> activeTss(String tssId, String clientSerial) {
        // read under the lock, not just lock: the caller's session may already hold this TSS from an
        // unlocked read, and a lock upgrade keeps that stale state, which would repeat a counter. The flush
        // first writes what this transaction already signed, so the fresh read includes it.
        return Panache.getSession()
                .flatMap(s -> s.flush()
                        .flatMap(x -> s.find(TssEntity.class, tssId))
                        .call(t -> t == null ? Uni.createFrom().voidItem() : s.refresh(t, LockMode.PESSIMISTIC_WRITE)))
                .flatMap(tss -> {
                    if (tss == null || !"INITIALIZED".equals(tss.state)) {
                        return Uni.createFrom().failure(new TseUnavailableException("The TSS is not active."));
                    }
                    return TseClientEntity.count(
                                    "tssId = ?1 and serialNumber = ?2 and state = 'REGISTERED'", tssId, clientSerial)
                            .flatMap(n -> n == 0
                                    ? Uni.createFrom()
                                            .failure(new TseUnavailableException(
                                                    "The client is not registered at the TSS."))
                                    : Uni.createFrom().item(tss));
                });
    }

    private Uni<SignedLog> transactionLog(
            TssEntity tss,
            String operation,
            String clientSerial,
            byte[] processData,
            String processType,
            long transactionNumber) {
        LogMessageWriter writer = writer(tss);
        return sign(
                tss,
                "transaction",
                operation,
                clientSerial,
                transactionNumber,
                (counter, time) -> writer.transactionLog(
                        operation, clientSerial, processData, processType, transactionNumber, counter, time));
    }

    private Uni<SignedLog> systemLog(TssEntity tss, String operation, byte[] parameters) {
        LogMessageWriter writer = writer(tss);
        return sign(
                tss,
                "system",
                operation,
                null,
                null,
                (counter, time) -> writer.systemLog(operation, parameters, counter, time));
    }

    /** Takes the next counter value of the locked TSS, signs, and stores the log under that counter. */
    private Uni<SignedLog> sign(
            TssEntity tss,
            String logType,
            String operation,
            String clientSerial,
            Long transactionNumber,
            BiFunction<Long, Instant, byte[]> encode) {
        tss.signatureCounter++;
        Instant logTime = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        byte[] message = encode.apply(tss.signatureCounter, logTime);
        TseLogEntity log = new TseLogEntity();
        log.tssId = tss.id;
        log.signatureCounter = tss.signatureCounter;
        log.logType = logType;
        log.operationType = operation;
        log.clientId = clientSerial;
        log.transactionNumber = transactionNumber;
        log.logTime = logTime;
        log.message = message;
        return log.persist()
                .map(x -> new SignedLog(
                        transactionNumber == null ? 0 : transactionNumber,
                        log.signatureCounter,
                        logTime,
                        LogMessage.parse(message).signatureValue(),
                        message));
    }

    private LogMessageWriter writer(TssEntity tss) {
        String oid = tss.signatureAlgorithm.endsWith("SHA384")
                ? TseAlgorithms.ECDSA_PLAIN_SHA384
                : TseAlgorithms.ECDSA_PLAIN_SHA256;
        return new LogMessageWriter(HexFormat.of().parseHex(tss.serialNumber), oid, privateKey(tss));
    }

    private PrivateKey privateKey(TssEntity tss) {
        try {
            return KeyFactory.getInstance("EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(vault.decrypt(tss.encryptedPrivateKey, tss.id)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored TSS key is unreadable", e);
        }
    }

    private static KeyPair generate(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
