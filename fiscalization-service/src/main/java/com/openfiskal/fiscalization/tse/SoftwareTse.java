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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

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
    private final Map<String, LogMessageWriter> writers = new ConcurrentHashMap<>();

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
                // the counters are taken with SQL on the row (next), so the row must be written first
                .flatMap(x -> Panache.getSession().flatMap(session -> session.flush()))
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
        return activeTss(tssId)
                .flatMap(tss -> transactionLog(tss, "StartTransaction", clientSerial, processData, processType, null));
    }

    @Override
    @WithTransaction
    public Uni<SignedLog> finishTransaction(
            String tssId, String clientSerial, long transactionNumber, String processType, byte[] processData) {
        if (fault.get() != TseConfig.Fault.NONE) {
            return Uni.createFrom().failure(new TseUnavailableException("FinishTransaction failed (fault injection)."));
        }
        return activeTss(tssId)
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
        return activeTss(tssId)
                .call(tss -> requireClient(tssId, clientSerial))
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

    /**
     * The TSS with its keys; its counters are not read from here but taken by {@link #next}, so a stale
     * copy in the caller's session can never repeat one.
     */
    private Uni<TssEntity> activeTss(String tssId) {
        return TssEntity.<TssEntity>findById(tssId).flatMap(tss -> {
            if (tss == null || !"INITIALIZED".equals(tss.state)) {
                return Uni.createFrom().failure(new TseUnavailableException("The TSS is not active."));
            }
            return Uni.createFrom().item(tss);
        });
    }

    private Uni<Void> requireClient(String tssId, String clientSerial) {
        return TseClientEntity.count("tssId = ?1 and serialNumber = ?2 and state = 'REGISTERED'", tssId, clientSerial)
                .flatMap(n -> n == 0
                        ? Uni.createFrom()
                                .failure(new TseUnavailableException("The client is not registered at the TSS."))
                        : Uni.createFrom().voidItem());
    }

    /**
     * Takes the next signature counter (and, for a StartTransaction, the next transaction number) on the TSS
     * row. The row lock it takes is held until the caller's transaction ends, so the
     * logs of one TSS are signed one after the other, and a rolled-back transaction gives its numbers back.
     */
    private Uni<long[]> next(String tssId, String clientSerial, boolean newTransaction) {
        // Two statements, not one UPDATE … RETURNING: Hibernate Reactive (3.4) wraps a native query's result
        // mapping in a class without equals, so every native SELECT misses the query plan cache and adds an
        // entry under the same hash; at two per sale that bucket's scans were 11 % of the service's CPU. A
        // native update and an HQL read are both planned once.
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("""
                UPDATE tse_tss t SET signature_counter = signature_counter + 1,
                                     transaction_counter = transaction_counter + ?2
                 WHERE t.id = ?1 AND t.state = 'INITIALIZED'
                   AND (CAST(?3 AS text) IS NULL OR EXISTS (SELECT 1 FROM tse_clients c
                                               WHERE c.tss_id = t.id AND c.serial_number = CAST(?3 AS text) AND c.state = 'REGISTERED'))""")
                        .setParameter(1, tssId)
                        .setParameter(2, newTransaction ? 1 : 0)
                        .setParameter(3, clientSerial)
                        .executeUpdate()
                        .flatMap(updated -> {
                            if (updated == 0) {
                                throw new TseUnavailableException(
                                        clientSerial == null
                                                ? "The TSS is not active."
                                                : "The TSS is not active or the client is not registered at it.");
                            }
                            return s.createSelectionQuery(
                                            "select signatureCounter, transactionCounter from TssEntity where id = ?1",
                                            Object[].class)
                                    .setParameter(1, tssId)
                                    .getSingleResult();
                        }))
                .map(row -> new long[] {((Number) row[0]).longValue(), ((Number) row[1]).longValue()});
    }

    /** A transaction log; {@code transactionNumber} null starts a new transaction and takes its number. */
    private Uni<SignedLog> transactionLog(
            TssEntity tss,
            String operation,
            String clientSerial,
            byte[] processData,
            String processType,
            Long transactionNumber) {
        LogMessageWriter writer = writer(tss);
        return next(tss.id, clientSerial, transactionNumber == null).flatMap(counters -> {
            long transaction = transactionNumber == null ? counters[1] : transactionNumber;
            return store(
                    tss,
                    "transaction",
                    operation,
                    clientSerial,
                    transaction,
                    counters[0],
                    time -> writer.transactionLog(
                            operation, clientSerial, processData, processType, transaction, counters[0], time));
        });
    }

    private Uni<SignedLog> systemLog(TssEntity tss, String operation, byte[] parameters) {
        LogMessageWriter writer = writer(tss);
        return next(tss.id, null, false)
                .flatMap(counters -> store(
                        tss,
                        "system",
                        operation,
                        null,
                        null,
                        counters[0],
                        time -> writer.systemLog(operation, parameters, counters[0], time)));
    }

    /** Signs under the counter just taken and stores the log under it. */
    private Uni<SignedLog> store(
            TssEntity tss,
            String logType,
            String operation,
            String clientSerial,
            Long transactionNumber,
            long counter,
            Function<Instant, byte[]> encode) {
        Instant logTime = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        byte[] message = encode.apply(logTime);
        TseLogEntity log = new TseLogEntity();
        log.tssId = tss.id;
        log.signatureCounter = counter;
        log.logType = logType;
        log.operationType = operation;
        log.clientId = clientSerial;
        log.transactionNumber = transactionNumber;
        log.logTime = logTime;
        log.message = message;
        return log.persist()
                .map(x -> new SignedLog(
                        transactionNumber == null ? 0 : transactionNumber,
                        counter,
                        logTime,
                        LogMessage.parse(message).signatureValue(),
                        message));
    }

    /** One writer per TSS: the key is decrypted once, not for every log. */
    private LogMessageWriter writer(TssEntity tss) {
        return writers.computeIfAbsent(tss.id, id -> newWriter(tss));
    }

    private LogMessageWriter newWriter(TssEntity tss) {
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
