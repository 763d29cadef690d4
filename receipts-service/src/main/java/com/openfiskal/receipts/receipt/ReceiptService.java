package com.openfiskal.receipts.receipt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.openfiskal.contracts.auth.Caller;
import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.receipts.render.HostedPage;
import com.openfiskal.receipts.render.QrCodes;
import com.openfiskal.receipts.render.ReceiptPdf;
import com.openfiskal.receipts.render.ReceiptView;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/** Reading receipts: by id or operation for the caller's merchant, by hosted token for anyone (API.md §10). */
@ApplicationScoped
public class ReceiptService {

    private static final Logger LOG = Logger.getLogger(ReceiptService.class);
    /** Our tokens: 256 bits in base64url without padding. Anything else is not looked up. */
    private static final Pattern TOKEN = Pattern.compile("^[A-Za-z0-9_-]{43}$");
    /** About 1 KB each with its key. */
    private static final int QR_CODES_KEPT = 4096;

    private final Caller caller;
    private final ObjectMapper mapper;
    private final ReceiptConfig config;

    /**
     * Rendered hosted pages by token and language, weighed by their bytes. Only the rendering is cached:
     * {@link #byToken} still reads the receipt, so an archived receipt's page is never served from here.
     */
    private final Cache<String, byte[]> pages;

    /**
     * TSE QR codes by their {@code qr_data}. Choosing a code's mask costs milliseconds, so a code is encoded
     * when a page, PDF or e-mail first needs it (most receipts are never opened) and kept for the others.
     */
    private final Cache<String, QrCodes.Modules> codes;

    public ReceiptService(Caller caller, ObjectMapper mapper, ReceiptConfig config) {
        this.caller = caller;
        this.mapper = mapper;
        this.config = config;
        this.pages = Caffeine.newBuilder()
                .maximumWeight(config.pageCache().asLongValue())
                .<String, byte[]>weigher((token, page) -> page.length)
                .build();
        this.codes = Caffeine.newBuilder().maximumSize(QR_CODES_KEPT).build();
    }

    /** The caller's merchant's receipt, or 404 (also for another merchant's or tenant's receipt). */
    @WithSession
    public Uni<ReceiptEntity> byId(String id) {
        return ReceiptEntity.<ReceiptEntity>find("id = ?1 and merchantId = ?2", id, caller.merchantId())
                .firstResult()
                .map(r -> found(r));
    }

    /** 404 also while the receipt of a completed operation is still being built (§10.2: the client retries). */
    @WithSession
    public Uni<ReceiptEntity> byOperation(String operationId) {
        return ReceiptEntity.<ReceiptEntity>find(
                        "operationId = ?1 and merchantId = ?2", operationId, caller.merchantId())
                .firstResult()
                .map(r -> found(r));
    }

    /** An available receipt by its hosted token; null for an unknown, malformed or archived token. */
    @WithSession
    public Uni<ReceiptEntity> byToken(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Uni.createFrom().nullItem();
        }
        return ReceiptEntity.<ReceiptEntity>find("token", token)
                .firstResult()
                .map(r -> r != null && ReceiptEntity.AVAILABLE.equals(r.status) ? r : null);
    }

    private static ReceiptEntity found(ReceiptEntity r) {
        if (r == null) {
            throw ApiException.notFound("Receipt");
        }
        return r;
    }

    /** The receipt object of §10.1: the stored document with status and links, in the contract's order. */
    public ObjectNode render(ReceiptEntity r) {
        ObjectNode doc = document(r);
        ObjectNode out = mapper.createObjectNode();
        for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = doc.fields(); it.hasNext(); ) {
            Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> field = it.next();
            if (field.getKey().equals("metadata")) {
                ObjectNode links = out.putObject("links");
                links.put("self", config.publicUrl() + "/v1/receipts/" + r.id);
                links.put("pdf", config.publicUrl() + "/v1/receipts/" + r.id + "/pdf");
                links.put("hosted", hostedLink(r));
            }
            out.set(field.getKey(), field.getValue());
            if (field.getKey().equals("session_id")) {
                out.put("status", r.status);
            }
        }
        return out;
    }

    public String hostedLink(ReceiptEntity r) {
        return config.publicUrl() + "/r/" + r.token;
    }

    public ObjectNode document(ReceiptEntity r) {
        try {
            return (ObjectNode) mapper.readTree(r.document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The view of a receipt in "de" or "en", for the page, the PDF and the e-mail. */
    public ReceiptView view(ReceiptEntity r, String lang) {
        return ReceiptView.of(document(r), lang);
    }

    /** The view's TSE QR code, or null when the receipt has no TSE data (ONLINE). */
    QrCodes.Modules qr(ReceiptView view) {
        return view.fiscal() == null ? null : codes.get(view.fiscal().qrData(), QrCodes::encode);
    }

    /** The public page in "de" or "en" (API.md §10.5), UTF-8. */
    public byte[] page(ReceiptEntity r, String lang) {
        return pages.get(r.token + ':' + lang, key -> {
            ReceiptView view = view(r, lang);
            return HostedPage.render(view, qr(view), r.token + "/pdf").getBytes(StandardCharsets.UTF_8);
        });
    }

    /** The PDF in "de" or "en" (API.md §10.4), with the name it is served and attached under. */
    public record Pdf(String fileName, byte[] bytes) {}

    public Pdf pdf(ReceiptEntity r, String lang) {
        return pdf(r, view(r, lang));
    }

    /** The PDF of a view already made of this receipt (the e-mail renders the view for its text too). */
    public Pdf pdf(ReceiptEntity r, ReceiptView view) {
        return new Pdf(view.fileName(), ReceiptPdf.render(view, qr(view)));
    }

    /**
     * Archives receipts past the hosted retention, when one is configured. The update is idempotent, so
     * replicas running it at the same time change each receipt once.
     */
    @Scheduled(every = "${openfiskal.receipts.archive-every:1h}", delayed = "30s")
    @WithTransaction
    Uni<Void> archive() {
        if (config.hostedRetention().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Instant before = Instant.now().minus(config.hostedRetention().get());
        return ReceiptEntity.update(
                        "status = ?1 where status = ?2 and issuedAt < ?3",
                        ReceiptEntity.ARCHIVED,
                        ReceiptEntity.AVAILABLE,
                        before)
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("Archived %d receipts issued before %s", n, before);
                    }
                })
                .replaceWithVoid();
    }
}
