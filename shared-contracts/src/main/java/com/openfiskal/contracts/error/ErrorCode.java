package com.openfiskal.contracts.error;

/**
 * Every error code of the contract (API.md §2.12) with its HTTP status. {@code retryable} follows the
 * envelope rule: true exactly for 5xx, 429 and 412.
 */
public enum ErrorCode {
    INVALID_REQUEST("invalid_request", 400),
    UNAUTHORIZED("unauthorized", 401),
    FORBIDDEN("forbidden", 403),
    NOT_FOUND("not_found", 404),
    CONFLICT("conflict", 409),
    PRECONDITION_FAILED("precondition_failed", 412),
    VALIDATION_ERROR("validation_error", 422),
    PRECONDITION_REQUIRED("precondition_required", 428),
    RATE_LIMIT_EXCEEDED("rate_limit_exceeded", 429),
    INTERNAL_ERROR("internal_error", 500),
    LOCATION_HAS_REGISTERS("location_has_registers", 409),
    REGISTER_HAS_DEPENDENCIES("register_has_dependencies", 409),
    REGISTER_ALREADY_FISCALIZED("register_already_fiscalized", 409),
    REGISTER_INVALID_FISCAL_STATE("register_invalid_fiscal_state", 409),
    REGISTER_NO_OPEN_SESSION("register_no_open_session", 409),
    SESSION_INVALID_STATE("session_invalid_state", 409),
    OPERATION_INVALID_STATE("operation_invalid_state", 409),
    IDEMPOTENCY_KEY_CONFLICT("idempotency_key_conflict", 409),
    REGIME_VALIDATION_FAILED("regime_validation_failed", 422),
    REGISTER_ID_REQUIRED_FOR_DSFINVK("register_id_required_for_dsfinvk", 400),
    EXPORT_DSFINVK_NO_CLOSED_SESSIONS("export_dsfinvk_no_closed_sessions", 422),
    EXPORT_DSFINVK_BUILD_PENDING("export_dsfinvk_build_pending", 422);

    private final String code;
    private final int status;

    ErrorCode(String code, int status) {
        this.code = code;
        this.status = status;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    /** The envelope rule for a given status (a code may be sent with another status, e.g. 503, 405, 413). */
    public static boolean retryable(int status) {
        return status >= 500 || status == 429 || status == 412;
    }
}
