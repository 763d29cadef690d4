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
import jakarta.persistence.LockModeType;
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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.hibernate.LockMode;

/**
 * The software TSE: real ECDSA keys and TR-03151 log messages, but no certified hardware and no legal
 * value (TSE.md §14). One TSS per register. The signature counter is incremented on the locked TSS row
 * in the caller's transaction and every log is stored with its counter as key, so a counter is never
 * skipped (nothing signed outlives an uncommitted transaction) and never repeated (primary key).
 */
@ApplicationScoped
public class SoftwareTse implements TseProvider {

    static final String TIME_FORMAT = "unixTime";

    private final TseConfig config;
    private final KeyVault vault;
    private final SecureRandom random = new SecureRandom();
    private final AtomicReference<TseConfig.Fault> fault;
    private final Map<String, LogMessageWriter> writers = new ConcurrentHashMap<>();
    /** Registrations seen, as tss id and client serial: see {@link #requireRegistered}. */
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

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
        return lockedTss(tssId)
                .call(tss -> requireRegistered(tss, clientSerial))
                .flatMap(tss -> {
                    long transaction = ++tss.transactionCounter;
                    if (tss.startedHere == null) {
                        tss.startedHere = new HashMap<>();
                    }
                    tss.startedHere.put(transaction, clientSerial);
                    return transactionLog(tss, "StartTransaction", clientSerial, processData, processType, transaction);
                });
    }

    @Override
    @WithTransaction
    public Uni<SignedLog> finishTransaction(
            String tssId, String clientSerial, long transactionNumber, String processType, byte[] processData) {
        if (fault.get() != TseConfig.Fault.NONE) {
            return Uni.createFrom().failure(new TseUnavailableException("FinishTransaction failed (fault injection)."));
        }
        return lockedTss(tssId)
                .call(tss -> requireRegistered(tss, clientSerial))
                .call(tss -> requireStarted(tss, clientSerial, transactionNumber))
                .flatMap(tss -> transactionLog(
                        tss, "FinishTransaction", clientSerial, processData, processType, transactionNumber));
    }

    @Override
    @WithTransaction
    public Uni<Void> decommission(String tssId, String clientSerial) {
        if (fault.get() == TseConfig.Fault.UNREACHABLE) {
            return Uni.createFrom().failure(new TseUnavailableException("The TSE is unreachable (fault injection)."));
        }
        return lockedTss(tssId)
                .flatMap(tss -> registeredClient(tss, clientSerial)
                        .call(client -> systemLog(tss, "authenticateUser", LogMessageWriter.systemParameters("admin")))
                        .call(client ->
                                systemLog(tss, "deregisterClient", LogMessageWriter.systemParameters(clientSerial)))
                        .invoke(client -> {
                            client.state = "DEREGISTERED";
                            registered.remove(registration(tssId, clientSerial));
                        })
                        .call(client -> systemLog(tss, "disableSecureElement", new byte[0]))
                        .invoke(client -> {
                            tss.state = "DISABLED";
                            tss.disabledAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                        }))
                .replaceWithVoid();
    }

    /**
     * The active TSS with its row locked until the caller's transaction ends, so that the logs of one TSS
     * are signed one after the other and the counters in memory are the ones in the database. A rolled-back
     * transaction gives its numbers back, and nothing signed outlives it. Signing code loads the TSS with
     * the lock (one statement); a copy read without it — earlier in the transaction, or here — is locked
     * now and its counters and state read again under the lock, because they may be stale.
     */
    private Uni<TssEntity> lockedTss(String tssId) {
        return Panache.getSession()
                .flatMap(s -> s.find(TssEntity.class, tssId).flatMap(tss -> {
                    if (tss == null) {
                        return Uni.createFrom().failure(new TseUnavailableException("The TSS is not active."));
                    }
                    LockMode held = s.getLockMode(tss);
                    if (held == LockMode.PESSIMISTIC_WRITE || held == LockMode.WRITE) {
                        return active(tss);
                    }
                    return s.lock(tss, LockModeType.PESSIMISTIC_WRITE)
                            .chain(() -> s.createSelectionQuery(
                                            "select signatureCounter, transactionCounter, state from TssEntity where id = ?1",
                                            Object[].class)
                                    .setParameter(1, tssId)
                                    .getSingleResult())
                            .flatMap(row -> {
                                tss.signatureCounter = ((Number) row[0]).longValue();
                                tss.transactionCounter = ((Number) row[1]).longValue();
                                tss.state = (String) row[2];
                                return active(tss);
                            });
                }));
    }

    private static Uni<TssEntity> active(TssEntity tss) {
        return "INITIALIZED".equals(tss.state)
                ? Uni.createFrom().item(tss)
                : Uni.createFrom().failure(new TseUnavailableException("The TSS is not active."));
    }

    /**
     * The client is registered at the TSS. A client is deregistered only together with disabling its TSS
     * (decommission), and every signature checks the TSS's state under its lock: so a registration once
     * seen holds for as long as the TSS is active, and is read from the database once per process.
     */
    private Uni<Void> requireRegistered(TssEntity tss, String clientSerial) {
        String key = registration(tss.id, clientSerial);
        if (registered.contains(key)) {
            return Uni.createFrom().voidItem();
        }
        return registeredClient(tss, clientSerial)
                .invoke(client -> registered.add(key))
                .replaceWithVoid();
    }

    private static String registration(String tssId, String clientSerial) {
        return tssId + '\n' + clientSerial;
    }

    /** The client, registered at the TSS; read once per transaction (the session keeps it). */
    private Uni<TseClientEntity> registeredClient(TssEntity tss, String clientSerial) {
        TseClientEntity.Key key = new TseClientEntity.Key();
        key.tssId = tss.id;
        key.serialNumber = clientSerial;
        return Panache.getSession()
                .flatMap(s -> s.find(TseClientEntity.class, key))
                .flatMap(client -> client != null && "REGISTERED".equals(client.state)
                        ? Uni.createFrom().item(client)
                        : Uni.createFrom()
                                .failure(new TseUnavailableException("The client is not registered at the TSS.")));
    }

    /** A Finish needs its Start: known in memory when both are in this transaction, else read from the log. */
    private Uni<Void> requireStarted(TssEntity tss, String clientSerial, long transactionNumber) {
        if (tss.startedHere != null && clientSerial.equals(tss.startedHere.get(transactionNumber))) {
            return Uni.createFrom().voidItem();
        }
        return TseLogEntity.count(
                        "tssId = ?1 and transactionNumber = ?2 and operationType = 'StartTransaction' and clientId = ?3",
                        tss.id,
                        transactionNumber,
                        clientSerial)
                .flatMap(started -> started == 0
                        ? Uni.createFrom()
                                .failure(new IllegalStateException(
                                        "transaction " + transactionNumber + " was never started by " + clientSerial))
                        : Uni.createFrom().voidItem());
    }

    /** A transaction log under the next signature counter of the locked TSS. */
    private Uni<SignedLog> transactionLog(
            TssEntity tss,
            String operation,
            String clientSerial,
            byte[] processData,
            String processType,
            long transaction) {
        return store(transactionLogEntity(tss, operation, clientSerial, processData, processType, transaction));
    }

    /** The transaction log signed under the next signature counter of the locked TSS, not yet stored. */
    private TseLogEntity transactionLogEntity(
            TssEntity tss,
            String operation,
            String clientSerial,
            byte[] processData,
            String processType,
            long transaction) {
        LogMessageWriter writer = writer(tss);
        long counter = ++tss.signatureCounter;
        return log(
                tss,
                "transaction",
                operation,
                clientSerial,
                transaction,
                counter,
                time -> writer.transactionLog(
                        operation, clientSerial, processData, processType, transaction, counter, time));
    }

    /** A system log under the next signature counter of a TSS this transaction holds (locked or created). */
    private Uni<SignedLog> systemLog(TssEntity tss, String operation, byte[] parameters) {
        LogMessageWriter writer = writer(tss);
        long counter = ++tss.signatureCounter;
        return store(log(
                tss,
                "system",
                operation,
                null,
                null,
                counter,
                time -> writer.systemLog(operation, parameters, counter, time)));
    }

    /** Stores a log signed by {@link #log}. */
    private static Uni<SignedLog> store(TseLogEntity log) {
        return log.persist().map(x -> signed(log));
    }

    /** The log signed under the counter just taken, not yet stored. */
    private static TseLogEntity log(
            TssEntity tss,
            String logType,
            String operation,
            String clientSerial,
            Long transactionNumber,
            long counter,
            Function<Instant, byte[]> encode) {
        Instant logTime = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        TseLogEntity log = new TseLogEntity();
        log.tssId = tss.id;
        log.signatureCounter = counter;
        log.logType = logType;
        log.operationType = operation;
        log.clientId = clientSerial;
        log.transactionNumber = transactionNumber;
        log.logTime = logTime;
        log.message = encode.apply(logTime);
        return log;
    }

    private static SignedLog signed(TseLogEntity log) {
        return new SignedLog(
                log.transactionNumber == null ? 0 : log.transactionNumber,
                log.signatureCounter,
                log.logTime,
                LogMessage.parse(log.message).signatureValue(),
                log.message);
    }

    @Override
    public boolean signsHeld() {
        return fault.get() == TseConfig.Fault.NONE;
    }

    /**
     * StartTransaction and FinishTransaction of one receipt, signed here without a statement, on a TSS whose
     * row the caller has locked in its transaction and read with its counters: the counters advance on
     * {@code tss}, and the two logs are added to {@code logs}; the caller stores both in that transaction
     * (grouped completes). Null when this TSE would not sign now without asking the database — a fault is
     * injected, the TSS is not active, or the client's registration has not been seen by this process — and
     * the caller then takes the path that calls {@link #startTransaction} and {@link #finishTransaction}.
     */
    @Override
    public SignedLog[] signHeld(
            TssEntity tss, String clientSerial, String processType, byte[] processData, List<TseLogEntity> logs) {
        if (fault.get() != TseConfig.Fault.NONE
                || !"INITIALIZED".equals(tss.state)
                || !registered.contains(registration(tss.id, clientSerial))) {
            return null;
        }
        long transaction = ++tss.transactionCounter;
        TseLogEntity start =
                transactionLogEntity(tss, "StartTransaction", clientSerial, new byte[0], processType, transaction);
        TseLogEntity finish =
                transactionLogEntity(tss, "FinishTransaction", clientSerial, processData, processType, transaction);
        logs.add(start);
        logs.add(finish);
        return new SignedLog[] {signed(start), signed(finish)};
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
