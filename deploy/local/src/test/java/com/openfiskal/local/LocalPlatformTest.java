package com.openfiskal.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalPlatformTest {

    private static final String EARLIER_START = """
            10:00:00.000 ERROR [io.qu.ru.Application] (main) Failed to start application: java.lang.RuntimeException: Failed to start quarkus
            Caused by: java.lang.IllegalStateException: OPENFISKAL_BOOTSTRAP_API_KEY belongs to environment test, this deployment is live
            """;

    @TempDir
    Path dir;

    @Test
    void shouldReportTheInnermostCauseOfTheLastStart() throws IOException {
        Path log = dir.resolve("fiscalization-service.log");
        String thisStart = """
                10:01:00.000 ERROR [io.qu.ru.Application] (main) Failed to start application: java.lang.RuntimeException: Failed to start quarkus
                Caused by: java.lang.RuntimeException: io.quarkus.runtime.StartupEvent observer failed
                \tat io.quarkus.runtime.Application.start(Application.java:101)
                Caused by: java.lang.IllegalStateException: The software TSE is not certified and cannot run in a live deployment
                \tat com.openfiskal.fiscalization.tse.SoftwareTse.refuseInLive(SoftwareTse.java:73)
                """;
        Files.writeString(log, EARLIER_START + thisStart, UTF_8);

        assertEquals(
                Optional.of("The software TSE is not certified and cannot run in a live deployment"),
                LocalPlatform.startFailure(log, EARLIER_START.getBytes(UTF_8).length));
    }

    @Test
    void shouldNotBlameAnEarlierStartForOneThatLoggedNoCause() throws IOException {
        Path log = dir.resolve("export-service.log");
        String thisStart = "10:01:00.000 INFO  [io.quarkus] (main) export-service starting\n";
        Files.writeString(log, EARLIER_START + thisStart, UTF_8);

        assertEquals(Optional.empty(), LocalPlatform.startFailure(log, EARLIER_START.getBytes(UTF_8).length));
        assertEquals(
                Optional.of("OPENFISKAL_BOOTSTRAP_API_KEY belongs to environment test, this deployment is live"),
                LocalPlatform.startFailure(log, 0));
    }

    @Test
    void shouldSayNothingWithoutALog() {
        assertEquals(Optional.empty(), LocalPlatform.startFailure(dir.resolve("missing.log"), 0));
    }

    @Test
    void shouldRunTheEventConsumersAtNiceTenUnlessToldOtherwise() {
        assertEquals(10, LocalPlatform.backgroundNice(Map.of(LocalPlatform.BACKGROUND_NICE, "")));
        assertEquals(0, LocalPlatform.backgroundNice(Map.of(LocalPlatform.BACKGROUND_NICE, "0")));
        assertEquals(19, LocalPlatform.backgroundNice(Map.of(LocalPlatform.BACKGROUND_NICE, " 19 ")));
        for (String bad : new String[] {"20", "-1", "ten"}) {
            IllegalStateException e = assertThrows(
                    IllegalStateException.class,
                    () -> LocalPlatform.backgroundNice(Map.of(LocalPlatform.BACKGROUND_NICE, bad)));
            assertTrue(e.getMessage().contains(LocalPlatform.BACKGROUND_NICE), e.getMessage());
        }
    }
}
