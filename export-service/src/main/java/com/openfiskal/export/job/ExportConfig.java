package com.openfiskal.export.job;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Settings of the export jobs and their downloads (README lists them with their environment variables). */
@ConfigMapping(prefix = "openfiskal.export")
public interface ExportConfig {

    /** Where archives are kept until they expire. Env: OPENFISKAL_EXPORT_ARTIFACT_DIR. */
    Path artifactDir();

    /** How long a download link and its archive live after completion (API.md §9.7: 7 days). */
    @WithDefault("7d")
    Duration retention();

    /** HMAC key of the download links. Env: OPENFISKAL_EXPORT_DOWNLOAD_SECRET. */
    String downloadSecret();

    /** The previous key, still accepted during a rotation. Env: OPENFISKAL_EXPORT_DOWNLOAD_SECRET_PREVIOUS. */
    Optional<String> downloadSecretPrevious();

    /** Public base URL of the download links, e.g. https://fiscal.example.com. Env: OPENFISKAL_PUBLIC_URL. */
    String publicUrl();

    /**
     * How long a claimed job is reserved for its builder; extended after every table. When the builder dies
     * the job is claimed again once this has passed.
     */
    @WithDefault("30s")
    Duration lease();

    /** Jobs built at the same time by one instance. */
    @WithDefault("2")
    int workers();

    /** Attempts before a job fails on an internal error (API.md §9.3: 3 retries). */
    @WithDefault("4")
    int maxAttempts();

    /**
     * Test only: a pause after each table, so that crash tests can kill the service while an archive is
     * being built. Refused in a live deployment. Env: OPENFISKAL_EXPORT_TEST_PAUSE_PER_TABLE.
     */
    Optional<Duration> testPausePerTable();

    /** A job still running after this is failed (API.md §9.3: 30 minutes). */
    @WithDefault("30m")
    Duration maxRuntime();
}
