package com.openfiskal.fiscalization.tse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.openfiskal.contracts.ids.Ids;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * OPENFISKAL_TSE_FAULT=fail-after-start: StartTransaction is signed, FinishTransaction fails (phase 2 of
 * API.md §8.5); the started transaction stays on record and no counter is skipped.
 */
@QuarkusTest
@TestProfile(TseFaultInjectionTest.FailAfterStart.class)
class TseFaultInjectionTest {

    public static class FailAfterStart implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("openfiskal.tse.fault", "fail-after-start");
        }
    }

    @Inject
    TseProvider tse;

    @Test
    void shouldSignTheStartAndFailTheFinishWithoutAGap() throws Throwable {
        String register = Ids.next(Ids.REGISTER);
        TseProvider.Tss tss = tx(() -> tse.provision(register, register));
        TseProvider.SignedLog start = tx(() -> tse.startTransaction(tss.id(), register, "Kassenbeleg-V1", new byte[0]));
        assertEquals(3, start.signatureCounter());
        assertThrows(
                TseProvider.TseUnavailableException.class,
                () -> tx(() -> tse.finishTransaction(
                        tss.id(), register, start.transactionNumber(), "Kassenbeleg-V1", new byte[0])));
        TssEntity stored = tx(() -> TssEntity.<TssEntity>findById(tss.id()));
        assertEquals(3, stored.signatureCounter);
        assertEquals(1, stored.transactionCounter);
        assertEquals(1L, tx(() -> TseLogEntity.count("tssId = ?1 and operationType = 'StartTransaction'", tss.id())));
    }

    private static <T> T tx(Supplier<Uni<T>> work) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(work));
    }
}
