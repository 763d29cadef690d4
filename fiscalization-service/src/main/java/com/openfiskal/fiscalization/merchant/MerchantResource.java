package com.openfiskal.fiscalization.merchant;

import com.openfiskal.contracts.fiscalization.api.MerchantsApi;
import com.openfiskal.contracts.fiscalization.model.ActiveStatus;
import com.openfiskal.contracts.fiscalization.model.FiscalIdentity;
import com.openfiskal.contracts.fiscalization.model.Merchant;
import com.openfiskal.contracts.fiscalization.model.MerchantCreate;
import com.openfiskal.contracts.fiscalization.model.MerchantList;
import com.openfiskal.contracts.fiscalization.model.MerchantUpdate;
import com.openfiskal.contracts.idempotency.Idempotency;
import com.openfiskal.contracts.idempotency.IdempotentCall;
import com.openfiskal.contracts.json.Timestamps;
import com.openfiskal.fiscalization.common.Addresses;
import com.openfiskal.fiscalization.common.Responses;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionStage;

/** HTTP for merchants: calls the service, maps entities to the contract's models, picks the status. */
public class MerchantResource implements MerchantsApi {

    private final MerchantService merchants;
    private final FiscalIdentities identities;
    private final Idempotency idempotency;

    public MerchantResource(MerchantService merchants, FiscalIdentities identities, Idempotency idempotency) {
        this.merchants = merchants;
        this.identities = identities;
        this.idempotency = idempotency;
    }

    @Override
    public CompletionStage<Response> createMerchant(MerchantCreate body, String idempotencyKey) {
        return Responses.async(idempotency.run(
                IdempotentCall.of("POST /v1/merchants", idempotencyKey, body),
                () -> merchants
                        .create(body)
                        .map(m -> Responses.created(toApi(m), m.resourceVersion, "/v1/merchants/" + m.id))));
    }

    @Override
    public CompletionStage<Response> getMerchant(String id) {
        return Responses.async(merchants.get(id).map(m -> Responses.ok(toApi(m), m.resourceVersion)));
    }

    @Override
    public CompletionStage<Response> listMerchants(Integer limit, String cursor, ActiveStatus status) {
        return Responses.async(merchants
                .list(limit, cursor, status == null ? null : status.toString())
                .map(page -> Response.ok(new MerchantList()
                                .data(page.items().stream().map(this::toApi).toList())
                                .hasMore(page.hasMore())
                                .nextCursor(page.nextCursor()))
                        .build()));
    }

    @Override
    public CompletionStage<Response> updateMerchant(String id, MerchantUpdate body, String ifMatch) {
        return Responses.async(merchants.update(id, body, ifMatch).map(m -> Responses.ok(toApi(m), m.resourceVersion)));
    }

    @Override
    public CompletionStage<Response> deleteMerchant(String id) {
        return Responses.async(merchants.delete(id).map(x -> Responses.noContent()));
    }

    private Merchant toApi(MerchantEntity m) {
        return new Merchant()
                .id(m.id)
                .legalName(m.legalName)
                .countryCode(m.countryCode)
                .address(Addresses.toApi(m.address))
                .fiscalIdentities(identities.fromJson(m.fiscalIdentities).stream()
                        .map(i -> new FiscalIdentity()
                                .countryCode(i.countryCode())
                                .taxNumber(i.taxNumber())
                                .vatId(i.vatId()))
                        .toList())
                .status(ActiveStatus.fromValue(m.status))
                .resourceVersion(m.resourceVersion)
                .createdAt(Timestamps.format(m.createdAt))
                .updatedAt(Timestamps.format(m.updatedAt));
    }
}
