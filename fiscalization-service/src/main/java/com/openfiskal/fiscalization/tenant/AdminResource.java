package com.openfiskal.fiscalization.tenant;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.openfiskal.contracts.json.Timestamps;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/**
 * Operator API for tenants and API keys. Not part of the public contract (API.md §13.2); its credential is
 * checked by {@link AdminAuthenticationFilter}.
 */
@Path("/admin/v1/tenants")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AdminResource {

    public record TenantCreate(
            @NotNull @Size(min = 1, max = 255) @JsonProperty("name")
            String name) {}

    public record ApiKeyCreate(
            @NotNull @Pattern(regexp = "test|live") @JsonProperty("environment")
            String environment,

            @NotNull @Pattern(regexp = "[A-Z]{3}") @JsonProperty("country")
            String country) {}

    public record Tenant(
            @JsonProperty("id") String id,
            @JsonProperty("name") String name,
            @JsonProperty("status") String status,
            @JsonProperty("created_at") String createdAt) {}

    public record ApiKey(
            @JsonProperty("id") String id,
            @JsonProperty("tenant_id") String tenantId,
            @JsonProperty("environment") String environment,
            @JsonProperty("country") String country,
            @JsonProperty("display_prefix") String displayPrefix,
            @JsonProperty("status") String status,
            @JsonProperty("created_at") String createdAt,
            @JsonProperty("revoked_at") String revokedAt,
            @JsonProperty("last_used_at") String lastUsedAt,
            @JsonProperty("secret") String secret) {}

    private final TenantService tenants;

    public AdminResource(TenantService tenants) {
        this.tenants = tenants;
    }

    @POST
    public Uni<Response> createTenant(@Valid @NotNull TenantCreate body) {
        return tenants.createTenant(body.name())
                .map(t -> Response.status(201)
                        .entity(new Tenant(t.id, t.name, t.status, Timestamps.format(t.createdAt)))
                        .build());
    }

    @POST
    @Path("/{tenantId}/api-keys")
    public Uni<Response> issueKey(@PathParam("tenantId") String tenantId, @Valid @NotNull ApiKeyCreate body) {
        return tenants.issueKey(tenantId, body.environment(), body.country())
                .map(k ->
                        Response.status(201).entity(toApi(k.key(), k.secret())).build());
    }

    @GET
    @Path("/{tenantId}/api-keys")
    public Uni<Map<String, List<ApiKey>>> listKeys(@PathParam("tenantId") String tenantId) {
        return tenants.listKeys(tenantId)
                .map(keys ->
                        Map.of("data", keys.stream().map(k -> toApi(k, null)).toList()));
    }

    @DELETE
    @Path("/{tenantId}/api-keys/{keyId}")
    public Uni<Response> revokeKey(@PathParam("tenantId") String tenantId, @PathParam("keyId") String keyId) {
        return tenants.revokeKey(tenantId, keyId).map(x -> Response.noContent().build());
    }

    private static ApiKey toApi(ApiKeyEntity k, String secret) {
        return new ApiKey(
                k.id,
                k.tenantId,
                k.environment,
                k.country,
                k.displayPrefix,
                k.status,
                Timestamps.format(k.createdAt),
                Timestamps.format(k.revokedAt),
                Timestamps.format(k.lastUsedAt),
                secret);
    }
}
