package com.openfiskal.fiscalization.tse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openfiskal.contracts.json.Timestamps;
import com.openfiskal.contracts.kassensichv.ProcessData;
import com.openfiskal.contracts.kassensichv.QrCode;
import com.openfiskal.fiscalization.register.RegisterEntity;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs one {@code Kassenbeleg-V1} transaction of a register (API.md §8): StartTransaction, then
 * FinishTransaction with the final processData, and builds {@code fiscal_information} from the two logs.
 * A failed Start is phase 1 (nothing reached the TSE); a failed Finish after a successful Start is phase 2,
 * and the started transaction is handed back so that a later attempt finishes it instead of starting anew.
 */
@ApplicationScoped
public class TseSigning {

    /** What one attempt came to. */
    public sealed interface Outcome permits Signed, Failed {}

    /** Both logs signed: {@code fiscal_information} and the TSE transaction number. */
    public record Signed(ObjectNode fiscalInformation, long transactionNumber) implements Outcome {}

    /**
     * Signing failed in {@code phase} 1 or 2; for phase 2 the started transaction and its Start log
     * (JSON {signed_at, transaction_counter, signature}), to be finished later.
     */
    public record Failed(int phase, Long startedTransaction, ObjectNode startEvent, String message)
            implements Outcome {}

    private static final List<String> OUTCOMES = List.of("signed", "timeout", "failed");

    private final TseProvider tse;
    private final TseConfig config;
    private final ObjectMapper mapper;
    private final MeterRegistry registry;
    /** The timers by step and outcome, registered once: two of them are recorded for every receipt. */
    private final Map<String, Timer> timers = new HashMap<>();

    public TseSigning(TseProvider tse, TseConfig config, ObjectMapper mapper, MeterRegistry registry) {
        this.tse = tse;
        this.config = config;
        this.mapper = mapper;
        this.registry = registry;
        for (String step : List.of("start", "finish")) {
            for (String outcome : OUTCOMES) {
                timers.put(
                        step + '/' + outcome,
                        Timer.builder("openfiskal.tse.signing")
                                .description("One TSE call (StartTransaction or FinishTransaction), queueing included")
                                .tag("step", step)
                                .tag("outcome", outcome)
                                .publishPercentileHistogram()
                                .register(registry));
            }
        }
    }

    /**
     * Signs {@code processData} for the register. With {@code startedTransaction} set (a transaction left
     * open by an earlier phase-2 failure, with its Start log {@code startEvent}), only Finish is sent.
     */
    public Uni<Outcome> sign(
            RegisterEntity register, String processData, Long startedTransaction, ObjectNode startEvent) {
        if (startedTransaction != null) {
            return finish(register, processData, startedTransaction, startEvent);
        }
        return timed(
                        "start",
                        tse.startTransaction(
                                register.tssId, register.clientSerialNumber, ProcessData.PROCESS_TYPE, new byte[0]))
                .onItemOrFailure()
                .transformToUni((start, failure) -> {
                    if (failure != null) {
                        return signingFailure(failure)
                                ? Uni.createFrom().item(new Failed(1, null, null, message(failure)))
                                : Uni.createFrom().failure(failure);
                    }
                    return finish(register, processData, start.transactionNumber(), logEvent(start));
                });
    }

    /**
     * The receipt signed in this process under the lock of {@code tss} that the caller holds (see {@link
     * TseProvider#signHeld}), its logs added to {@code logs}; null when the provider does not sign that way now.
     */
    public Signed signHeld(RegisterEntity register, TssEntity tss, String processData, List<TseLogEntity> logs) {
        Timer.Sample sample = Timer.start(registry);
        TseProvider.SignedLog[] signed = tse.signHeld(
                tss,
                register.clientSerialNumber,
                ProcessData.PROCESS_TYPE,
                processData.getBytes(StandardCharsets.UTF_8),
                logs);
        if (signed == null) {
            return null;
        }
        // both logs are signed in this one call: it is measured once, as the Finish the till waits for
        sample.stop(timers.get("finish/signed"));
        long transaction = signed[0].transactionNumber();
        return new Signed(
                fiscalInformation(register, processData, transaction, logEvent(signed[0]), signed[1]), transaction);
    }

    private Uni<Outcome> finish(RegisterEntity register, String processData, long transaction, ObjectNode startEvent) {
        return timed(
                        "finish",
                        tse.finishTransaction(
                                register.tssId,
                                register.clientSerialNumber,
                                transaction,
                                ProcessData.PROCESS_TYPE,
                                processData.getBytes(StandardCharsets.UTF_8)))
                .onItemOrFailure()
                .transformToUni((finish, failure) -> {
                    if (failure != null) {
                        return signingFailure(failure)
                                ? Uni.createFrom().item(new Failed(2, transaction, startEvent, message(failure)))
                                : Uni.createFrom().failure(failure);
                    }
                    return Uni.createFrom()
                            .item(new Signed(
                                    fiscalInformation(register, processData, transaction, startEvent, finish),
                                    transaction));
                });
    }

    private ObjectNode fiscalInformation(
            RegisterEntity r, String processData, long transaction, ObjectNode startEvent, TseProvider.SignedLog end) {
        ObjectNode endEvent = logEvent(end);
        ObjectNode fi = mapper.createObjectNode();
        fi.put("regime", "KassenSichV");
        fi.put("tse_certified", tse.certified());
        fi.put("tss_serial_number", r.tssSerialNumber);
        fi.put("pos_client_serial_number", r.clientSerialNumber);
        fi.put("document_number", transaction);
        fi.put("signature_algorithm", r.signatureAlgorithm);
        fi.put("time_format", r.timeFormat);
        fi.set("start_event", startEvent);
        fi.set("end_event", endEvent);
        fi.put("process_type", ProcessData.PROCESS_TYPE);
        fi.put("process_data", processData);
        fi.putObject("verification")
                .put(
                        "qr_data",
                        QrCode.data(
                                r.clientSerialNumber,
                                ProcessData.PROCESS_TYPE,
                                processData,
                                transaction,
                                end.signatureCounter(),
                                startEvent.path("signed_at").asText(),
                                endEvent.path("signed_at").asText(),
                                r.signatureAlgorithm,
                                r.timeFormat,
                                endEvent.path("signature").asText(),
                                r.publicKey));
        return fi;
    }

    private ObjectNode logEvent(TseProvider.SignedLog log) {
        ObjectNode e = mapper.createObjectNode();
        e.put("signed_at", Timestamps.format(log.logTime()));
        e.put("transaction_counter", log.signatureCounter());
        e.put("signature", Base64.getEncoder().encodeToString(log.signatureValue()));
        return e;
    }

    /**
     * The call, failed after the TSE timeout, and measured as {@code openfiskal_tse_signing_seconds{step,
     * outcome}} (a histogram: the till waits for two of these per receipt, including the wait for the TSS).
     */
    private <T> Uni<T> timed(String step, Uni<T> call) {
        return Uni.createFrom().deferred(() -> {
            Timer.Sample sample = Timer.start(registry);
            return call.ifNoItem()
                    .after(config.timeout())
                    .fail()
                    .onItemOrFailure()
                    .invoke((item, failure) -> sample.stop(timers.get(step
                            + '/'
                            + (failure == null
                                    ? "signed"
                                    : failure instanceof TimeoutException ? "timeout" : "failed"))));
        });
    }

    /** The TSE refused or did not answer; anything else (the database, a bug) is not a signing outcome. */
    private static boolean signingFailure(Throwable t) {
        return t instanceof TseProvider.TseUnavailableException || t instanceof TimeoutException;
    }

    private static String message(Throwable t) {
        return t instanceof TimeoutException ? "The TSE did not answer in time." : t.getMessage();
    }
}
