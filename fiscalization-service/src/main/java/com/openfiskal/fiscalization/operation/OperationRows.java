package com.openfiskal.fiscalization.operation;

import com.openfiskal.fiscalization.common.AddressColumns;
import com.openfiskal.fiscalization.location.LocationEntity;
import com.openfiskal.fiscalization.merchant.MerchantEntity;
import com.openfiskal.fiscalization.register.RegisterEntity;
import com.openfiskal.fiscalization.session.SessionEntity;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * Rows of the group writers' statements as the entities the rule code works on: the group writers run on
 * the SQL client, outside Hibernate, and hand the same entity classes to the same rules, renderers and
 * event builders as the one-by-one path. Each column list here is read by the mapper next to it; a joined
 * table's columns carry its prefix.
 */
final class OperationRows {

    private OperationRows() {}

    /** Every column of {@code operations o}, in the order of {@link #insert}. */
    static final String OPERATION_COLUMNS = """
            o.id, o.merchant_id, o.type, o.source, o.status, o.currency, o.register_id, o.location_id,
            o.session_id, o.external_id, o.note, o.related_operation_id, o.pretax_amount, o.tax_amount,
            o.tip_amount, o.total_amount, o.cash_amount, o.amount, o.kind, o.expected_amount, o.variance_amount,
            o.counted_amount, o.closing_balance_amount, o.closing_number, o.details, o.void_reason,
            o.completed_at, o.voided_at, o.fiscal_information, o.fiscal_error, o.tse_transaction_number,
            o.tse_started_transaction, o.tse_started_event, o.resource_version, o.created_at, o.updated_at""";

    /** The register columns the rules, the signature and the issuer snapshot read, as {@code r_…}. */
    static final String REGISTER_COLUMNS = """
            r.id AS r_id, r.merchant_id AS r_merchant_id, r.location_id AS r_location_id, r.name AS r_name,
            r.external_id AS r_external_id, r.status AS r_status, r.fiscalization_status AS r_fiscalization_status,
            r.regime AS r_regime, r.tss_serial_number AS r_tss_serial_number,
            r.client_serial_number AS r_client_serial_number, r.signature_algorithm AS r_signature_algorithm,
            r.public_key AS r_public_key, r.time_format AS r_time_format, r.tss_id AS r_tss_id,
            r.open_session_id AS r_open_session_id, r.deleted_at AS r_deleted_at""";

    /** The merchant columns of the issuer snapshot, as {@code m_…}. */
    static final String MERCHANT_COLUMNS = """
            m.id AS m_id, m.legal_name AS m_legal_name, m.fiscal_identities AS m_fiscal_identities,
            m.address_line1 AS m_address_line1, m.address_line2 AS m_address_line2, m.address_city AS m_address_city,
            m.address_postal_code AS m_address_postal_code, m.address_country_code AS m_address_country_code""";

    /** The location columns of the issuer snapshot, as {@code l_…}. */
    static final String LOCATION_COLUMNS = """
            l.id AS l_id, l.name AS l_name, l.timezone AS l_timezone,
            l.address_line1 AS l_address_line1, l.address_line2 AS l_address_line2, l.address_city AS l_address_city,
            l.address_postal_code AS l_address_postal_code, l.address_country_code AS l_address_country_code""";

    /** The session columns a goods movement's create reads, as {@code s_…}. */
    static final String SESSION_COLUMNS = "s.id AS s_id, s.status AS s_status, s.currency AS s_currency";

    static final String INSERT = """
            INSERT INTO operations (id, merchant_id, type, source, status, currency, register_id, location_id,
                   session_id, external_id, note, related_operation_id, pretax_amount, tax_amount, tip_amount,
                   total_amount, cash_amount, amount, kind, expected_amount, variance_amount, counted_amount,
                   closing_balance_amount, closing_number, details, void_reason, completed_at, voided_at,
                   fiscal_information, fiscal_error, tse_transaction_number, tse_started_transaction,
                   tse_started_event, resource_version, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
                    $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36)""";

    /** The parameters of {@link #INSERT} for {@code o}. */
    static Tuple insert(OperationEntity o) {
        return Tuple.from(Arrays.asList(
                o.id,
                o.merchantId,
                o.type,
                o.source,
                o.status,
                o.currency,
                o.registerId,
                o.locationId,
                o.sessionId,
                o.externalId,
                o.note,
                o.relatedOperationId,
                numeric(o.pretaxAmount),
                numeric(o.taxAmount),
                numeric(o.tipAmount),
                numeric(o.totalAmount),
                numeric(o.cashAmount),
                numeric(o.amount),
                o.kind,
                numeric(o.expectedAmount),
                numeric(o.varianceAmount),
                numeric(o.countedAmount),
                numeric(o.closingBalanceAmount),
                o.closingNumber,
                o.details,
                o.voidReason,
                time(o.completedAt),
                time(o.voidedAt),
                o.fiscalInformation,
                o.fiscalError,
                o.tseTransactionNumber,
                o.tseStartedTransaction,
                o.tseStartedEvent,
                o.resourceVersion,
                time(o.createdAt),
                time(o.updatedAt)));
    }

    static OperationEntity operation(Row row) {
        OperationEntity o = new OperationEntity();
        o.id = row.getString("id");
        o.merchantId = row.getString("merchant_id");
        o.type = row.getString("type");
        o.source = row.getString("source");
        o.status = row.getString("status");
        o.currency = row.getString("currency");
        o.registerId = row.getString("register_id");
        o.locationId = row.getString("location_id");
        o.sessionId = row.getString("session_id");
        o.externalId = row.getString("external_id");
        o.note = row.getString("note");
        o.relatedOperationId = row.getString("related_operation_id");
        o.pretaxAmount = row.getBigDecimal("pretax_amount");
        o.taxAmount = row.getBigDecimal("tax_amount");
        o.tipAmount = row.getBigDecimal("tip_amount");
        o.totalAmount = row.getBigDecimal("total_amount");
        o.cashAmount = row.getBigDecimal("cash_amount");
        o.amount = row.getBigDecimal("amount");
        o.kind = row.getString("kind");
        o.expectedAmount = row.getBigDecimal("expected_amount");
        o.varianceAmount = row.getBigDecimal("variance_amount");
        o.countedAmount = row.getBigDecimal("counted_amount");
        o.closingBalanceAmount = row.getBigDecimal("closing_balance_amount");
        o.closingNumber = row.getLong("closing_number");
        o.details = row.getString("details");
        o.voidReason = row.getString("void_reason");
        o.completedAt = instant(row, "completed_at");
        o.voidedAt = instant(row, "voided_at");
        o.fiscalInformation = row.getString("fiscal_information");
        o.fiscalError = row.getString("fiscal_error");
        o.tseTransactionNumber = row.getLong("tse_transaction_number");
        o.tseStartedTransaction = row.getLong("tse_started_transaction");
        o.tseStartedEvent = row.getString("tse_started_event");
        o.resourceVersion = row.getLong("resource_version");
        o.createdAt = instant(row, "created_at");
        o.updatedAt = instant(row, "updated_at");
        return o;
    }

    /** The register of a joined row, or null when the join found none. */
    static RegisterEntity register(Row row) {
        if (row.getString("r_id") == null) {
            return null;
        }
        RegisterEntity r = new RegisterEntity();
        r.id = row.getString("r_id");
        r.merchantId = row.getString("r_merchant_id");
        r.locationId = row.getString("r_location_id");
        r.name = row.getString("r_name");
        r.externalId = row.getString("r_external_id");
        r.status = row.getString("r_status");
        r.fiscalizationStatus = row.getString("r_fiscalization_status");
        r.regime = row.getString("r_regime");
        r.tssSerialNumber = row.getString("r_tss_serial_number");
        r.clientSerialNumber = row.getString("r_client_serial_number");
        r.signatureAlgorithm = row.getString("r_signature_algorithm");
        r.publicKey = row.getString("r_public_key");
        r.timeFormat = row.getString("r_time_format");
        r.tssId = row.getString("r_tss_id");
        r.openSessionId = row.getString("r_open_session_id");
        r.deletedAt = instant(row, "r_deleted_at");
        return r;
    }

    static MerchantEntity merchant(Row row) {
        MerchantEntity m = new MerchantEntity();
        m.id = row.getString("m_id");
        m.legalName = row.getString("m_legal_name");
        m.fiscalIdentities = row.getString("m_fiscal_identities");
        m.address = address(row, "m_");
        return m;
    }

    /** The location of a joined row, or null when the join found none. */
    static LocationEntity location(Row row) {
        if (row.getString("l_id") == null) {
            return null;
        }
        LocationEntity l = new LocationEntity();
        l.id = row.getString("l_id");
        l.name = row.getString("l_name");
        l.timezone = row.getString("l_timezone");
        l.address = address(row, "l_");
        return l;
    }

    /** The session of a joined row, or null when the join found none. */
    static SessionEntity session(Row row) {
        if (row.getString("s_id") == null) {
            return null;
        }
        SessionEntity s = new SessionEntity();
        s.id = row.getString("s_id");
        s.status = row.getString("s_status");
        s.currency = row.getString("s_currency");
        return s;
    }

    private static AddressColumns address(Row row, String prefix) {
        if (row.getString(prefix + "address_line1") == null) {
            return null;
        }
        AddressColumns a = new AddressColumns();
        a.line1 = row.getString(prefix + "address_line1");
        a.line2 = row.getString(prefix + "address_line2");
        a.city = row.getString(prefix + "address_city");
        a.postalCode = row.getString(prefix + "address_postal_code");
        a.countryCode = row.getString(prefix + "address_country_code");
        return a;
    }

    static Instant instant(Row row, String column) {
        OffsetDateTime t = row.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }

    static OffsetDateTime time(Instant i) {
        return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    static Numeric numeric(BigDecimal d) {
        return d == null ? null : Numeric.create(d);
    }
}
