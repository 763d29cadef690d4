package com.openfiskal.fiscalization.operation;

import com.fasterxml.jackson.databind.JsonNode;
import com.openfiskal.contracts.auth.Caller;
import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.error.ErrorResponses;
import com.openfiskal.contracts.idempotency.Idempotency;
import com.openfiskal.contracts.idempotency.IdempotentCall;
import com.openfiskal.fiscalization.common.Responses;
import com.openfiskal.fiscalization.register.RegisterEntity;
import com.openfiskal.fiscalization.register.RegisterService;
import com.openfiskal.fiscalization.session.SessionEntity;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Creates of POS goods movements written in groups ({@link GroupWriter}): one database transaction of three
 * round trips per group — begin with the idempotency claims and the registers locked with their sessions in
 * progress (pipelined); the operations inserted and the outcomes stored (batched, pipelined); commit —
 * instead of seven round trips per create on the one-by-one path.
 *
 * <p>Each member is decided in memory by the rule code of {@link OperationService#create} ({@link
 * OperationService#goods} before the reads, {@link OperationService#goodsMovement} after them) and answered
 * alone; a refused member writes nothing. Locks are taken in one order — keys, then registers by id — the
 * order of the one-by-one path. Left to that path: ONLINE movements, returns and exchanges that name a
 * related operation (read there), session events, and a key already taken.
 */
@ApplicationScoped
public class CreateGroups {

    /** A create as its request's context read it; {@code inactive} is the refusal of an inactive merchant. */
    private record Create(
            OperationService.Goods goods, Idempotency.Claim claim, String merchantId, ApiException inactive) {}

    /** A register as the group's reads found it: locked, with its session in progress. */
    private record Found(RegisterEntity register, SessionEntity session) {}

    private final Pool pool;
    private final Caller caller;
    private final Idempotency idempotency;
    private final OperationService operations;
    private final OperationJson json;
    private final GroupWriter<Create> groups;

    public CreateGroups(
            Pool pool,
            GroupWriter.Config config,
            Caller caller,
            Idempotency idempotency,
            OperationService operations,
            OperationJson json,
            MeterRegistry registry) {
        this.pool = pool;
        this.caller = caller;
        this.idempotency = idempotency;
        this.operations = operations;
        this.json = json;
        this.groups = new GroupWriter<>(config, pool, "create", registry, idempotency, Create::claim, this::write);
    }

    /**
     * Creates the operation {@code body} describes: in a group when it can be, else (and for whatever its
     * group leaves) by {@code alone}, the one-by-one path with the same outcome.
     */
    public Uni<Response> create(IdempotentCall call, JsonNode body, Supplier<Uni<Response>> alone) {
        if (!groups.enabled()) {
            return alone.get();
        }
        return Uni.createFrom().deferred(() -> {
            // what the one-by-one path checks before it reads anything, in the same order: the key's syntax
            // (400), the type, the schema, the source and the type's rules (400, 422)
            Idempotency.Claim claim = idempotency.claimOf(call);
            OperationService.Goods g = operations.goods(body);
            if (g == null || !g.pos() || g.in().getRelatedOperationId() != null) {
                return alone.get();
            }
            ApiException inactive = null;
            try {
                caller.requireActiveMerchant();
            } catch (ApiException e) {
                inactive = e; // answered where the one-by-one path checks it: after the register is found
            }
            return groups.submit(new Create(g, claim, caller.merchantId(), inactive), alone);
        });
    }

    /** The group written in one transaction; the answer of each member, or none for those to run alone. */
    private Uni<GroupWriter.Written<Create>> write(List<GroupWriter.Member<Create>> group) {
        List<String> ids = group.stream()
                .map(m -> m.request.goods().in().getRegisterId())
                .distinct()
                .toList();
        List<Tuple> inserts = new ArrayList<>();
        return groups.write(
                        group,
                        c -> lockRegisters(c, ids),
                        (r, found) -> decide(r, found.get(r.goods().in().getRegisterId()), inserts),
                        c -> inserts.isEmpty()
                                ? Uni.createFrom().voidItem()
                                : c.preparedQuery(OperationRows.INSERT)
                                        .executeBatch(inserts)
                                        .replaceWithVoid())
                .map(answers -> new GroupWriter.Written<>(answers, () -> {}));
    }

    private Uni<Map<String, Found>> lockRegisters(SqlConnection c, List<String> ids) {
        return c.preparedQuery("SELECT " + OperationRows.REGISTER_COLUMNS + ", " + OperationRows.SESSION_COLUMNS + """
                         FROM registers r LEFT JOIN sessions s ON s.id = r.open_session_id
                        WHERE r.id = ANY($1) ORDER BY r.id FOR UPDATE OF r""")
                .execute(Tuple.of(ids.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Found> found = new HashMap<>();
                    for (Row row : rows) {
                        RegisterEntity r = OperationRows.register(row);
                        found.put(r.id, new Found(r, OperationRows.session(row)));
                    }
                    return found;
                });
    }

    /** One member decided as {@link OperationService#create} decides it, its row added to {@code inserts}. */
    private Response decide(Create c, Found f, List<Tuple> inserts) {
        try {
            RegisterEntity r = RegisterService.visible(f == null ? null : f.register(), c.merchantId());
            OperationEntity o = operations.goodsMovement(c.goods(), r, null, f.session(), c.merchantId(), () -> {
                if (c.inactive() != null) {
                    throw c.inactive();
                }
            });
            inserts.add(OperationRows.insert(o));
            return Responses.created(json.render(o), o.resourceVersion, "/v1/operations/" + o.id);
        } catch (ApiException e) {
            return ErrorResponses.of(e);
        }
    }
}
