package com.openfiskal.export.job;

import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.error.ErrorCode;
import com.openfiskal.contracts.ids.Ids;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Serves an archive through its signed link (API.md §9.5). The signature is the credential: checked first
 * (403), then expiry and deletion (404), then the export itself (404). The file is streamed from disk.
 */
@ApplicationScoped
public class ExportDownloads {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

    private final DownloadLinks links;
    private final ExportConfig config;

    public ExportDownloads(DownloadLinks links, ExportConfig config) {
        this.links = links;
        this.config = config;
    }

    public Uni<Response> download(String id, String expires, String signature) {
        long exp;
        try {
            exp = Long.parseLong(expires == null ? "" : expires);
        } catch (NumberFormatException e) {
            return Uni.createFrom().failure(forbidden());
        }
        if (signature == null || !signature.matches("[0-9a-f]{64}") || id == null || !links.valid(id, exp, signature)) {
            return Uni.createFrom().failure(forbidden());
        }
        if (Instant.now().getEpochSecond() > exp) {
            return Uni.createFrom().failure(new ApiException(ErrorCode.NOT_FOUND, "This download link has expired."));
        }
        if (!Ids.isValid(Ids.EXPORT, id)) {
            return Uni.createFrom().failure(ApiException.notFound("Export"));
        }
        return Panache.withSession(() -> ExportEntity.<ExportEntity>findById(id))
                .map(e -> {
                    if (e == null || !"completed".equals(e.status) || e.artifact == null) {
                        throw ApiException.notFound("Export");
                    }
                    Path file = config.artifactDir().resolve(e.artifact);
                    if (e.artifactDeleted || !Files.isRegularFile(file)) {
                        throw new ApiException(
                                ErrorCode.NOT_FOUND, "The archive has been deleted after its retention time.");
                    }
                    ZoneId zone = ZoneId.of(e.timezone);
                    String name = "dsfinvk_" + e.registerId + "_" + DAY.format(e.effectiveFrom.atZone(zone)) + "_"
                            + DAY.format(e.effectiveTo.atZone(zone)) + ".tar";
                    return Response.ok(file.toFile(), "application/x-tar")
                            .header("Content-Length", e.sizeBytes)
                            .header("Content-Disposition", "attachment; filename=\"" + name + "\"")
                            .header("Cache-Control", "private, no-store")
                            .build();
                });
    }

    private static ApiException forbidden() {
        return new ApiException(ErrorCode.FORBIDDEN, "The download link is not valid: its signature does not verify.");
    }
}
